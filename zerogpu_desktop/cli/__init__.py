"""Headless commands (`send`, …). Nothing here imports Qt, so scripts start fast."""

from zerogpu_desktop.cli.parser import build_parser

__all__ = ["build_parser"]
