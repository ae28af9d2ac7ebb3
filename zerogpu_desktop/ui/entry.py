"""The window's entry point: the data folder is checked before Qt loads.

A folder that cannot be used is reported in one sentence, without starting Qt at all
(tests/ui/test_start_order.py keeps this module free of Qt). What loads when, after that,
is ui/launch.py's business.
"""

from __future__ import annotations

import argparse
import os
import sys

from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage import DataDirError, ensure_data_dir, resolve_data_dir
from zerogpu_desktop.ui.services import AppServices


def run_gui(args: argparse.Namespace) -> int:
    """Opens the window; returns the process exit code."""
    data_dir = resolve_data_dir(getattr(args, "data_dir", None), os.environ)
    try:
        ensure_data_dir(data_dir)
    except DataDirError as exc:
        print(f"zerogpu-desktop: {exc}", file=sys.stderr)
        return 2
    overrides = RunOverrides.from_environment(
        os.environ,
        base_url_flag=getattr(args, "base_url", None),
        demo=bool(getattr(args, "demo", False)),
    )
    services = AppServices.for_data_dir(data_dir, overrides=overrides)

    from zerogpu_desktop.ui.launch import open_window

    return open_window(services)
