"""`send --max-response-mb` and Settings' Largest reply bound the answer; odd usage is told."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.fakeserver import FakeServer, Scenario
from tests.fakeserver.replies import message_item, response_object
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage import Settings, SettingsStore
from zerogpu_desktop.storage.history.store import HistoryStore

#: 3 MB of Markdown: over a 1 MiB cap, well under the default 16 MiB.
HUGE = 3_000_000


def test_the_flag_caps_the_reply(cli_env: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    cli_env.scenario = Scenario.huge(HUGE)
    code, out, err = run_cli(
        ["send", "-m", "m1", "--max-retries", "0", "--max-response-mb", "1", "hi"], capsys
    )
    assert code == ExitCode.INVALID_RESPONSE
    assert out == ""
    assert "larger than the 1 MiB reply limit" in err
    assert "--max-response-mb" in err


def test_the_settings_value_is_the_default(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    SettingsStore(tmp_path).save(Settings(max_response_mb=1))
    cli_env.scenario = Scenario.huge(HUGE)
    code, _, err = run_cli(["send", "-m", "m1", "--max-retries", "0", "hi"], capsys)
    assert code == ExitCode.INVALID_RESPONSE
    assert "1 MiB" in err
    code, out, _ = run_cli(["send", "-m", "m1", "--max-response-mb", "4", "hi"], capsys)
    assert code == ExitCode.OK
    assert len(out) > HUGE // 2
    with HistoryStore(tmp_path) as store:
        assert store.count() == 2  # the refused run is kept too


def test_the_flag_reaches_the_client_in_bytes(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from zerogpu_desktop.api.client import ZeroGPUClient
    from zerogpu_desktop.workbench import runner

    seen: dict[str, object] = {}
    real = ZeroGPUClient

    def spy(*args: object, **kwargs: object) -> object:
        seen.update(kwargs)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner, "ZeroGPUClient", spy)
    assert run_cli(["send", "-m", "m1", "--max-response-mb", "3", "hi"], capsys)[0] == 0
    assert seen["max_response_bytes"] == 3 * 1024 * 1024
    assert run_cli(["send", "-m", "m1", "hi"], capsys)[0] == 0
    assert seen["max_response_bytes"] == 16 * 1024 * 1024


def test_usage_that_cannot_be_right_is_reported_as_unknown(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    body = response_object("m1", [message_item("fine")], (5, 1))
    body["usage"]["input_tokens"] = -5
    cli_env.scenario = Scenario.status(200, body)
    code, out, err = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.OK
    assert out == "fine\n"
    assert "usage unknown (" in err
    assert "input_tokens is negative" in err
    # The verdict gives the same reason: the server did report counts, just wrong ones.
    assert "did not report token usage" not in err
    assert "Unknown: the server reported token counts that cannot be right" in err
