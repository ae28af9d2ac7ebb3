"""The command line: window starts, commands, help and mistakes."""

from __future__ import annotations

import pytest

from zerogpu_desktop.cli import build_parser, parse_command_line


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--data-dir", "/tmp/x"],
        ["--data-dir=/tmp/x", "--base-url", "http://127.0.0.1:1"],
        ["--data", "/tmp/x"],  # an abbreviation: taken by the whole parser
        ["--data-dir", "/a", "--data-dir", "/b"],  # the last one wins on both paths
        ["--data-dir=", "--base-url=http://127.0.0.1:1"],
        ["--data-dir", "send"],  # a folder named like a command is still a folder
    ],
)
def test_window_starts_parse_as_the_whole_parser_would(argv: list[str]) -> None:
    assert vars(parse_command_line(argv)) == vars(build_parser().parse_args(argv))
    assert parse_command_line(argv).command is None


@pytest.mark.parametrize(
    "argv",
    [["send", "hello"], ["--data-dir", "/tmp/x", "history", "list"], ["diagnose", "--json"]],
)
def test_commands_go_to_the_whole_parser(argv: list[str]) -> None:
    args = parse_command_line(argv)
    expected = build_parser().parse_args(argv)
    assert args.command is not None
    assert args.command.__qualname__ == expected.command.__qualname__
    assert {k: v for k, v in vars(args).items() if k != "command"} == {
        k: v for k, v in vars(expected).items() if k != "command"
    }


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["--help"], "commands:"),
        (["-h"], "commands:"),
        (["--version"], "zerogpu-desktop "),
        (["--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["--data-dir"], "expected one argument"),
        (["sned"], "invalid choice: 'sned'"),
        (["--=x"], "zerogpu-desktop: error:"),
    ],
)
def test_help_version_and_mistakes_get_the_whole_parsers_answer(
    argv: list[str], shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        parse_command_line(argv)
    output = capsys.readouterr()
    assert shown in output.out + output.err
