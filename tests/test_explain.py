"""explain() says only what is true: no log file that does not exist, no "inf", the OS reason."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from zerogpu_desktop.api.errors import (
    InsecureTransportError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
)
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.explain import NOTHING_TO_SEND, explain, wait_phrase
from zerogpu_desktop.storage import DataDirError


def test_an_unexpected_error_names_no_log_file_unless_there_is_one(tmp_path: Path) -> None:
    without = explain(RuntimeError("boom"))
    assert "log" not in without.as_line().lower()
    assert "diagnose" in without.fix
    log_file = tmp_path / "zerogpu-desktop.log"
    with_log = explain(RuntimeError("boom"), log_file=log_file)
    assert str(log_file) in with_log.fix


def test_a_data_folder_error_gives_its_reason(tmp_path: Path) -> None:
    words = explain(DataDirError(tmp_path / "data", "it is not writable"))
    assert words.title == "Data folder unusable"
    assert (
        words.sentence == f"The data folder {tmp_path / 'data'} cannot be used: it is not writable."
    )
    assert "--data-dir" in words.fix
    assert "DataDirError" not in words.as_line()


@pytest.mark.parametrize(
    ("seconds", "phrase"),
    [
        (None, "Wait a moment and send again."),
        (math.inf, "Wait a moment and send again."),
        (math.nan, "Wait a moment and send again."),
        (-3.0, "Wait a moment and send again."),
        (0.2, "Wait about 1 s and send again."),
        (1.6, "Wait about 2 s and send again."),
        (45.0, "Wait about 45 s and send again."),
        (120.0, "Wait about 2 min and send again."),
        (3600.0, "Wait about 60 min and send again."),
        (7200.0, "Wait about 2 h and send again."),
        (1e300, "The server asks for a wait of more than a week: check your plan's limits."),
    ],
)
def test_waits_are_said_in_words_a_person_uses(seconds: float | None, phrase: str) -> None:
    assert wait_phrase(seconds) == phrase


@pytest.mark.parametrize("retry_after", [math.inf, math.nan, 1e308])
def test_a_rate_limit_never_says_inf_or_nan(retry_after: float) -> None:
    line = explain(RateLimitError("slow down", status_code=429, retry_after=retry_after)).as_line()
    assert "inf" not in line
    assert "nan" not in line
    assert "e+" not in line
    assert len(line) < 200  # no 309-digit number of seconds


def test_the_reply_limit_says_how_to_raise_it() -> None:
    words = explain(ResponseTooLargeError(1024 * 1024))
    assert words.sentence == "The server's reply is larger than the 1 MiB reply limit."
    assert "Largest reply (MiB) in Settings" in words.fix
    assert "--max-response-mb" in words.fix


def test_plain_http_names_no_option_that_does_not_exist() -> None:
    words = explain(InsecureTransportError("Refusing plain http to example.com."))
    line = words.as_line()
    assert "allow insecure" not in line
    assert "https://" in line
    assert "http://127.0.0.1:PORT" in line


def test_a_server_message_inside_parentheses_ends_the_sentence_once() -> None:
    words = explain(ServerError("HTTP 503: The server is overloaded. Try later.", status_code=503))
    assert words.sentence.endswith("Try later).")
    assert ".)." not in words.sentence


def test_a_save_refused_over_an_unreadable_file_says_what_to_do(tmp_path: Path) -> None:
    from zerogpu_desktop.storage.atomic import UnreadableFileKeptError

    exc = UnreadableFileKeptError(
        tmp_path / "settings.json", "The settings file", PermissionError(13, "Permission denied")
    )
    explanation = explain(exc)
    assert explanation.title == "File left untouched"
    assert "could not be read (Permission denied)" in explanation.sentence
    assert "make it readable or move it away" in explanation.sentence
    assert "System error" not in explanation.as_line()


# -- what programs decide on: the exit code and whether Settings is the fix ---------------


def _every_failure() -> list[tuple[BaseException, ExitCode, bool]]:
    from zerogpu_desktop.api import errors as e

    return [
        (e.AuthenticationError("no", status_code=401), ExitCode.AUTH, True),
        (e.PermissionDeniedError("no", status_code=403), ExitCode.AUTH, True),
        (e.ContextLengthExceededError("long", status_code=420), ExitCode.CONTEXT_LENGTH, False),
        (e.RateLimitError("slow", status_code=429), ExitCode.RATE_LIMIT, False),
        (e.ServerError("down", status_code=503), ExitCode.SERVER, False),
        (e.NotFoundError("where", status_code=404), ExitCode.REQUEST_REJECTED, True),
        (e.BadRequestError("bad", status_code=400), ExitCode.REQUEST_REJECTED, False),
        (e.UnprocessableEntityError("bad", status_code=422), ExitCode.REQUEST_REJECTED, False),
        (e.APIStatusError("odd", status_code=418), ExitCode.REQUEST_REJECTED, False),
        (e.APITimeoutError("slow"), ExitCode.NETWORK, True),
        (e.APIConnectionError("gone"), ExitCode.NETWORK, True),
        (e.InvalidResponseError("garbled"), ExitCode.INVALID_RESPONSE, False),
        (e.ResponseTooLargeError(1024), ExitCode.INVALID_RESPONSE, False),
        (e.RequestRefusedError("no key"), ExitCode.USAGE, True),
        (InsecureTransportError("plain http"), ExitCode.USAGE, True),
        (e.ZeroGPUError("other"), ExitCode.UNEXPECTED, False),
        (KeyboardInterrupt(), ExitCode.INTERRUPTED, False),
        (DataDirError(Path("/nowhere"), "it is missing"), ExitCode.UNEXPECTED, False),
        (PermissionError(13, "denied"), ExitCode.UNEXPECTED, False),
        (RuntimeError("a bug"), ExitCode.UNEXPECTED, False),
    ]


@pytest.mark.parametrize(
    ("exc", "exit_code", "needs_settings"),
    _every_failure(),
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else "",
)
def test_each_failure_carries_its_exit_code_and_whether_settings_fix_it(
    exc: BaseException, exit_code: ExitCode, needs_settings: bool
) -> None:
    words = explain(exc)
    assert words.exit_code is exit_code
    assert words.needs_settings is needs_settings


def test_an_empty_prompt_is_a_usage_error() -> None:
    assert NOTHING_TO_SEND.exit_code is ExitCode.USAGE
    assert not NOTHING_TO_SEND.needs_settings


def test_the_words_are_redacted_and_the_decisions_kept() -> None:
    from zerogpu_desktop.api.errors import AuthenticationError
    from zerogpu_desktop.api.redaction import register_secret

    secret = "zg-explain-secret-0123456789"
    register_secret(secret)
    words = explain(AuthenticationError(f"bad key {secret}", status_code=401))
    assert secret not in words.as_line()
    assert words.exit_code is ExitCode.AUTH
    assert words.needs_settings
