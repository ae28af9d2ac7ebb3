"""`zerogpu-desktop presets list | export [NAME] -o FILE | import FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage import ensure_data_dir, resolve_data_dir
from zerogpu_desktop.storage.presets import PresetError, PresetFormatError, PresetStore


def _store(args: argparse.Namespace) -> PresetStore:
    import os

    data_dir = resolve_data_dir(getattr(args, "data_dir", None), os.environ)
    return PresetStore(ensure_data_dir(data_dir))


def list_presets(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    store = _store(args)
    presets = store.load()
    if store.last_problem:
        print(f"zerogpu-desktop: {store.last_problem}", file=sys.stderr)
    if not presets:
        print("No presets yet. Save one from the window's Presets panel.", file=sys.stderr)
    for preset in presets:
        limit = f"  limit {preset.input_token_limit:,}" if preset.input_token_limit else ""
        print(f"{preset.name}\t{preset.model or '-'}{limit}", file=stdout)
    return ExitCode.OK


def export_presets(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        count = store.export_to_file(Path(args.output), [args.name] if args.name else None)
    except PresetError as exc:
        print(f"zerogpu-desktop: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except OSError as exc:
        print(
            f"zerogpu-desktop: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr
        )
        return ExitCode.UNEXPECTED
    noun = "preset" if count == 1 else "presets"
    print(f"Exported {count} {noun} to {args.output}.", file=sys.stderr)
    return ExitCode.OK


def import_presets(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        report = store.import_file(Path(args.file), args.on_conflict)
    except PresetFormatError as exc:
        print(f"zerogpu-desktop: {args.file} is not a presets file: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except OSError as exc:
        print(f"zerogpu-desktop: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return ExitCode.USAGE
    print(report.summary(), file=sys.stderr)
    return ExitCode.OK
