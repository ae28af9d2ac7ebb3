"""`zerogpu-desktop presets list | export [NAME] -o FILE | import FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from zerogpu_desktop.cli.output import report
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage import ensure_data_dir, resolve_data_dir
from zerogpu_desktop.storage.presets.store import (
    PresetError,
    PresetFileReadError,
    PresetFormatError,
    PresetStore,
)


def _store(args: argparse.Namespace) -> PresetStore:
    import os

    data_dir = resolve_data_dir(getattr(args, "data_dir", None), os.environ)
    return PresetStore(ensure_data_dir(data_dir))


def list_presets(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    loaded = _store(args).read()
    presets = loaded.value
    if loaded.problem:
        report(loaded.problem)
    if not presets:
        print("No presets yet. Save one from the window's Presets panel.", file=sys.stderr)
    for preset in presets:
        limit = f"  limit {preset.input_token_limit:,}" if preset.input_token_limit else ""
        # Names and models may come from an imported file: shown escaped, never raw.
        line = f"{preset.name}\t{preset.model or '-'}{limit}"
        print(safe_for_display(line), file=stdout)
    return ExitCode.OK


def export_presets(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        count = store.export_to_file(Path(args.output), [args.name] if args.name else None)
    except PresetError as exc:
        report(str(exc))
        return ExitCode.USAGE
    except OSError as exc:
        report(f"cannot write {args.output}: {exc.strerror or exc}")
        return ExitCode.UNEXPECTED
    noun = "preset" if count == 1 else "presets"
    print(safe_for_display(f"Exported {count} {noun} to {args.output}."), file=sys.stderr)
    return ExitCode.OK


def import_presets(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        result = store.import_file(Path(args.file), args.on_conflict)
    except PresetFileReadError as exc:
        report(f"{exc} Check the path and its permissions.")
        return ExitCode.USAGE
    except PresetFormatError as exc:
        report(f"cannot import {args.file}: {exc}")
        return ExitCode.USAGE
    except OSError as exc:
        # Reading problems are PresetFormatErrors: an OSError here means the write failed.
        report(
            f"could not write the presets ({exc.strerror or exc}), so nothing was imported: "
            "free some disk space or check the data folder's permissions, then import again."
        )
        return ExitCode.UNEXPECTED
    print(safe_for_display(result.summary()), file=sys.stderr)
    return ExitCode.OK
