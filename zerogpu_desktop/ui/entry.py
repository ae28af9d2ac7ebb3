"""The window's entry point: the plain-Python part of start-up, done before Qt loads.

Why before: once PySide6 is imported it hooks ``import``, and every module
imported after that has its source file read and searched for "PySide6"
(the ``__feature__`` switch). Loading the first frame's plain-Python modules
first skips that for all of them; a bad data folder is also reported
without starting Qt at all. This module imports no Qt;
tests/ui/test_start_order.py keeps it so.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage import DataDirError, ensure_data_dir, resolve_data_dir
from zerogpu_desktop.ui.services import AppServices

#: Plain-Python modules the first frame's Qt modules import.
FIRST_FRAME_MODULES = (
    "zerogpu_desktop.api.tokens",
    "zerogpu_desktop.assets",
    "zerogpu_desktop.explain",
    "zerogpu_desktop.safe_text",
    "zerogpu_desktop.storage.draft_saver",
    "zerogpu_desktop.ui.outcome",
)


def run_gui(args: argparse.Namespace) -> int:
    """Opens the window; returns the process exit code."""
    for name in FIRST_FRAME_MODULES:
        importlib.import_module(name)
    data_dir = resolve_data_dir(getattr(args, "data_dir", None), os.environ)
    try:
        ensure_data_dir(data_dir)
    except DataDirError as exc:
        print(f"zerogpu-desktop: {exc}", file=sys.stderr)
        return 2
    overrides = RunOverrides.from_environment(
        os.environ, base_url_flag=getattr(args, "base_url", None)
    )
    services = AppServices.for_data_dir(data_dir, overrides=overrides)

    from zerogpu_desktop.ui.launch import open_window

    return open_window(services)
