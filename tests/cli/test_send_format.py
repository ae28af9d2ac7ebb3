"""`send --format`: the response format reaches the wire, a preset's format is used unless the
flag is given, and an unusable value stops at the parser with exit 2 and one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.fakeserver import FakeServer
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage.presets.store import Preset, PresetStore


def sent_format(server: FakeServer) -> object:
    return server.requests[-1].json["text"]  # type: ignore[index]


def test_send_format_goes_on_the_wire(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["send", "-m", "m1", "--format", "json_object", "hi"], capsys)
    assert code == ExitCode.OK
    assert out == "Echo: hi\n"
    assert sent_format(cli_env) == {"format": {"type": "json_object"}}


def test_without_the_flag_the_format_is_text(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.OK
    assert sent_format(cli_env) == {"format": {"type": "text"}}


def test_a_presets_format_is_used_unless_the_flag_says_otherwise(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    PresetStore(tmp_path).save(Preset("Json", "m1", "", "hi", response_format="json_object"))
    assert run_cli(["send", "--preset", "Json"], capsys)[0] == ExitCode.OK
    assert sent_format(cli_env) == {"format": {"type": "json_object"}}
    assert run_cli(["send", "--preset", "Json", "--format", "text"], capsys)[0] == ExitCode.OK
    assert sent_format(cli_env) == {"format": {"type": "text"}}


@pytest.mark.parametrize("value", ["json object", "", "x" * 65, "json\x1b[2J", "jsön"])
def test_an_unusable_format_exits_2_before_sending(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        run_cli(["send", "-m", "m1", "--format", value, "hi"], capsys)
    assert stopped.value.code == ExitCode.USAGE == 2
    err = capsys.readouterr().err
    assert "argument --format: the format " in err
    assert "such as text or json_object." in err
    assert "\x1b" not in err
    assert cli_env.requests == []
