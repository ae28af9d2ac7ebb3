"""The one place that turns an exception into words a person can act on.

The window's status line, its error banner and the CLI all go through
`explain`, so a failure reads the same everywhere and never surfaces as
a bare `str(exc)` (httpx's timeouts stringify to nothing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

from zerogpu_desktop.api.redaction import redact
from zerogpu_desktop.exit_codes import ExitCode

__all__ = ["HTTP_FIX", "NOTHING_TO_SEND", "Explanation", "explain", "wait_phrase"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """A failure for people: a short title, what happened, and what to do next.

    It also carries what programs decide on, so that no caller has to sort the error again
    or read the words: the command line's exit code, and whether the fix is in Settings
    (the window then offers its Settings button).
    """

    title: str
    sentence: str
    fix: str
    exit_code: ExitCode = ExitCode.UNEXPECTED
    needs_settings: bool = False

    def as_line(self) -> str:
        """Everything on one line, for a status bar or stderr."""
        return f"{self.title}: {self.sentence} {self.fix}".strip()


#: The window and the command line refuse an empty or blank prompt with the same words.
NOTHING_TO_SEND = Explanation(
    "Nothing to send",
    "The user prompt is empty.",
    "Write a user prompt, then send again.",
    ExitCode.USAGE,
)

#: Where a plain-http hint points instead: the only two ways the app accepts.
HTTP_FIX = "Use https://, or a loopback address such as http://127.0.0.1:PORT for a local server."

_WEEK_SECONDS = 7 * 24 * 3600.0


def wait_phrase(seconds: float | None) -> str:
    """How long to wait, in the unit a person would say; never "inf", "nan" or "0 s"."""
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return "Wait a moment and send again."
    if seconds > _WEEK_SECONDS:
        return "The server asks for a wait of more than a week: check your plan's limits."
    if seconds < 100:
        amount = f"{max(1, round(seconds))} s"
    elif seconds < 100 * 60:
        amount = f"{round(seconds / 60)} min"
    else:
        amount = f"{round(seconds / 3600)} h"
    return f"Wait about {amount} and send again."


def _status_explanation(exc: BaseException) -> Explanation:
    from zerogpu_desktop.api import errors as api_errors

    assert isinstance(exc, api_errors.APIStatusError)
    detail = exc.message.strip().rstrip(".")  # it sits inside "(…)." below
    if isinstance(exc, api_errors.AuthenticationError):
        return Explanation(
            "API key not accepted",
            "The server rejected your API key.",
            "Check your API key in Settings (copy it again from your ZeroGPU dashboard).",
            ExitCode.AUTH,
            needs_settings=True,
        )
    if isinstance(exc, api_errors.PermissionDeniedError):
        return Explanation(
            "Access denied",
            "Your key may not use this project or model.",
            "Check the project ID in Settings and that the model belongs to that project.",
            ExitCode.AUTH,
            needs_settings=True,
        )
    if isinstance(exc, api_errors.ContextLengthExceededError):
        return Explanation(
            "Input too long",
            "The model refused the input: it is longer than the model's context length.",
            "Shorten the system or user prompt and send again.",
            ExitCode.CONTEXT_LENGTH,
        )
    if isinstance(exc, api_errors.RateLimitError):
        return Explanation(
            "Rate limited",
            "Too many requests for your plan right now.",
            wait_phrase(exc.retry_after),
            ExitCode.RATE_LIMIT,
        )
    if isinstance(exc, api_errors.ServerError):
        return Explanation(
            "Server error",
            f"The ZeroGPU service failed to answer ({detail}).",
            "This is usually temporary: try again in a minute.",
            ExitCode.SERVER,
        )
    if isinstance(exc, api_errors.NotFoundError):
        return Explanation(
            "Not found",
            f"The server did not find what was asked for ({detail}).",
            "Check the model ID and the base URL in Settings.",
            ExitCode.REQUEST_REJECTED,
            needs_settings=True,
        )
    if isinstance(exc, api_errors.BadRequestError | api_errors.UnprocessableEntityError):
        return Explanation(
            "Request rejected",
            f"The server rejected the request ({detail}).",
            "Check the model ID and the prompts, then send again.",
            ExitCode.REQUEST_REJECTED,
        )
    return Explanation(
        "Request failed",
        f"The server answered with an error ({detail}).",
        "Try again; if it persists, check Settings.",
        ExitCode.REQUEST_REJECTED,
    )


def explain(exc: BaseException, *, log_file: Path | None = None) -> Explanation:
    """Returns the words for any failure the app can meet; never empty, never the key.

    `log_file` is the file the details of an unexpected error were logged to. Only the
    window keeps one; without it the words point nowhere that does not exist.
    """
    explanation = _explain(exc, log_file)
    return replace(
        explanation,
        title=redact(explanation.title),
        sentence=redact(explanation.sentence),
        fix=redact(explanation.fix),
    )


def _explain(exc: BaseException, log_file: Path | None) -> Explanation:
    # The error classes load with the first failure, not with the window.
    from zerogpu_desktop.api import errors as api_errors
    from zerogpu_desktop.storage.atomic import UnreadableFileKeptError
    from zerogpu_desktop.storage.datadir import DataDirError

    if isinstance(exc, api_errors.APIStatusError):
        return _status_explanation(exc)
    if isinstance(exc, api_errors.APITimeoutError):
        return Explanation(
            "Timed out",
            exc.message,
            "The model may be busy: send again, or raise the timeout in Settings.",
            ExitCode.NETWORK,
            needs_settings=True,
        )
    if isinstance(exc, api_errors.APIConnectionError):
        return Explanation(
            "Network problem",
            exc.message,
            "Check your internet connection and the base URL in Settings, then send again.",
            ExitCode.NETWORK,
            needs_settings=True,
        )
    if isinstance(exc, api_errors.InvalidResponseError):
        if isinstance(exc, api_errors.ResponseTooLargeError):
            limit = api_errors.format_mebibytes(exc.limit_bytes)
            return Explanation(
                "Answer too large",
                f"The server's reply is larger than the {limit} reply limit.",
                "If an answer this long is expected, raise Largest reply (MiB) in Settings "
                "or pass --max-response-mb.",
                ExitCode.INVALID_RESPONSE,
            )
        return Explanation(
            "Unreadable answer",
            exc.message,
            "Try again in a moment; if it keeps happening, check the base URL in Settings and "
            "any proxy between you and the service.",
            ExitCode.INVALID_RESPONSE,
        )
    if isinstance(exc, api_errors.InsecureTransportError):
        return Explanation(
            "Insecure address",
            "The base URL uses plain http to another computer, which would send the API key "
            "in clear text.",
            HTTP_FIX,
            ExitCode.USAGE,
            needs_settings=True,
        )
    if isinstance(exc, api_errors.RequestRefusedError):
        return Explanation("Cannot send", exc.message, "", ExitCode.USAGE, needs_settings=True)
    if isinstance(exc, api_errors.ZeroGPUError):
        return Explanation("Request failed", exc.message, "Try again.")
    if isinstance(exc, DataDirError):
        return Explanation(
            "Data folder unusable",
            f"The data folder {exc.path} cannot be used: {exc.reason}.",
            "Choose another folder with --data-dir or the ZEROGPU_DESKTOP_DATA_DIR "
            "environment variable.",
        )
    if isinstance(exc, UnreadableFileKeptError):
        # The sentence already says what to do: make the file readable or move it away.
        return Explanation("File left untouched", str(exc), "")
    if isinstance(exc, PermissionError):
        return Explanation(
            "No permission",
            f"The app may not write to {exc.filename or 'a file it needs'}.",
            "Check the folder's permissions, or choose another data folder with --data-dir.",
        )
    if isinstance(exc, OSError):
        return Explanation(
            "System error",
            f"{exc.strerror or type(exc).__name__}"
            + (f" ({exc.filename})" if exc.filename else "")
            + ".",
            "Check free disk space and permissions, then try again.",
        )
    text = str(exc).strip() or type(exc).__name__
    fix = (
        f"Your prompts are kept; the details are in {log_file}."
        if log_file is not None
        else "Try again; if it happens again, report it with what "
        "`zerogpu-desktop diagnose` prints."
    )
    code = ExitCode.INTERRUPTED if isinstance(exc, KeyboardInterrupt) else ExitCode.UNEXPECTED
    return Explanation(
        "Unexpected error", f"Something went wrong inside the app: {text}.", fix, code
    )
