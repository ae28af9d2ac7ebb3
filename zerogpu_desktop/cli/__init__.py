"""Headless commands (`send`, …). Nothing here imports Qt, so scripts start fast."""

from zerogpu_desktop.cli.parser import build_parser, parse_command_line

__all__ = ["build_parser", "parse_command_line"]
