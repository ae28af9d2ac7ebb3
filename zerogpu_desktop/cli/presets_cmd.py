"""`zerogpu-desktop presets list | export [NAME] -o FILE [--with-versions] | import FILE |
versions NAME | diff NAME V1 V2 | restore NAME V`."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from zerogpu_desktop.cli.output import report, write_data
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage import ensure_data_dir, resolve_data_dir
from zerogpu_desktop.storage.atomic import UnreadableFileKeptError
from zerogpu_desktop.storage.presets.store import (
    PresetError,
    PresetFileReadError,
    PresetFormatError,
    PresetHistoryFullError,
    PresetNotFoundError,
    PresetsBusyError,
    PresetStore,
    PresetVersion,
)
from zerogpu_desktop.storage.presets.versions import current_number
from zerogpu_desktop.workbench.preset_diff import field_diffs, unified_diff_text


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
        count = store.export_to_file(
            Path(args.output),
            [args.name] if args.name else None,
            with_versions=args.with_versions,
        )
    except PresetError as exc:
        # An unreadable versions file stops an export with versions (exit 2): a backup
        # that silently lacked a history would be trusted as one.
        _tell_problem(store)
        report(_with_list_hint(exc))
        return ExitCode.USAGE
    except OSError as exc:
        _tell_problem(store)
        report(f"cannot write {args.output}: {exc.strerror or exc}")
        return ExitCode.UNEXPECTED
    _tell_problem(store)
    noun = "preset" if count == 1 else "presets"
    kind = f" with {'its' if count == 1 else 'their'} versions" if args.with_versions else ""
    print(safe_for_display(f"Exported {count} {noun}{kind} to {args.output}."), file=sys.stderr)
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
    except PresetHistoryFullError as exc:
        _tell_problem(store)
        report(_history_full_on_import(store, exc))
        return ExitCode.USAGE
    except OSError as exc:
        # Reading problems are PresetFormatErrors: an OSError here means the write failed.
        told = _tell_problem(store)
        report(_not_written(exc, "imported", "import again", told))
        return ExitCode.UNEXPECTED
    _tell_problem(store)  # e.g. the versions file of a replaced preset was damaged
    print(safe_for_display(result.summary()), file=sys.stderr)
    return ExitCode.OK


def list_versions(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    """A table of the preset's versions, oldest first, the current one marked with "*"."""
    stdout = stdout or sys.stdout
    store = _store(args)
    try:
        preset = store.get(args.name)
        versions = store.versions(args.name)
    except PresetError as exc:
        _tell_problem(store)
        report(_with_list_hint(exc))
        return ExitCode.USAGE
    _tell_problem(store)
    assert preset is not None  # versions() found it
    current = current_number(preset, versions)
    rows = [("", "version", "date", "model", "changes")]
    for previous, version in zip([None, *versions], versions, strict=False):
        mark = "*" if version.number == current else ""
        rows.append((mark, str(version.number), _date(version.created), version.model or "-",
                     _changes(previous, version)))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        # Models and prompts' names may come from an imported file: shown escaped.
        print(safe_for_display("  ".join([*cells, row[4]]).rstrip()), file=stdout)
    print(f"* the current version of {safe_for_display(preset.name)}", file=sys.stderr)
    return ExitCode.OK


def diff_versions(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    """A unified diff of each field that differs between two versions; exit 0 either way."""
    stdout = stdout or sys.stdout
    store = _store(args)
    try:
        old, new = store.version(args.name, args.old), store.version(args.name, args.new)
        preset = store.get(args.name)
    except PresetError as exc:
        _tell_problem(store)
        report(_with_list_hint(exc))
        return ExitCode.USAGE
    _tell_problem(store)
    assert preset is not None
    write_data(unified_diff_text(preset.name, old, new), stdout)
    return ExitCode.OK


def restore_version(args: argparse.Namespace) -> int:
    """Makes an earlier version current again, as a new version."""
    store = _store(args)
    try:
        before = store.get(args.name)
        restored = store.restore(args.name, args.number)
    except PresetHistoryFullError as exc:
        _tell_problem(store)
        report(
            f'Version {args.number} of "{exc.name}" was not restored: its versions '
            f"{exc.reason}. Duplicate the preset in the window and paste that version's "
            "prompts into the copy."
        )
        return ExitCode.USAGE
    except PresetError as exc:
        _tell_problem(store)
        report(_with_list_hint(exc))
        return ExitCode.USAGE
    except OSError as exc:
        told = _tell_problem(store)
        report(_not_written(exc, "restored", "try again", told))
        return ExitCode.UNEXPECTED
    _tell_problem(store)
    assert before is not None
    if restored.version == before.version:
        message = (
            f"Version {args.number} of “{restored.name}” is already its current content "
            f"(version {restored.version}); nothing changed."
        )
    else:
        message = f"Restored “{restored.name}” version {args.number} as version {restored.version}."
    print(safe_for_display(message), file=sys.stderr)
    return ExitCode.OK


def _with_list_hint(exc: PresetError) -> str:
    """The error, and for an unknown preset where to find the names."""
    if isinstance(exc, PresetNotFoundError):
        return f"{exc} `zerogpu-desktop presets list` shows them."
    return str(exc)


def _history_full_on_import(store: PresetStore, exc: PresetHistoryFullError) -> str:
    """Advice that fits: a preset here that cannot take one more version, or a new one
    whose file brought more history than fits."""
    shown = safe_for_display(exc.name)
    if store.get(exc.name) is not None:
        return (
            f'Nothing was imported: preset "{shown}" cannot take another version (its '
            f"versions {exc.reason}); import with --on-conflict rename to keep the imported "
            "one as a separate preset."
        )
    return (
        f'Nothing was imported: the versions "{shown}" brings {exc.reason}; export it again '
        "without --with-versions and import that file."
    )


def _not_written(exc: OSError, undone: str, retry: str, told: bool) -> str:
    """One sentence for a failed write, naming its real cause once.

    A file that could not be read, or another process holding the presets, is the cause
    itself (disk space has nothing to do with it); when the damaged file's sentence was
    just printed, this one only says what did not happen.
    """
    if isinstance(exc, PresetsBusyError):
        return f"Nothing was {undone}: another ZeroGPU Desktop is saving presets; {retry}."
    if isinstance(exc, UnreadableFileKeptError):
        if told:
            return f"Nothing was {undone}, because of the file above."
        return f"Nothing was {undone}: {exc.strerror}."
    return (
        f"could not write the presets ({exc.strerror or exc}), so nothing was {undone}: "
        f"free some disk space or check the data folder's permissions, then {retry}."
    )


def _tell_problem(store: PresetStore) -> bool:
    """Says what happened to a damaged presets or versions file on the way, once.

    Also before an error: a versions file that could not be read explains the error, and
    says the history is still there.
    """
    problem = store.take_problem()
    if problem:
        report(problem)
    return bool(problem)


def _date(created: float) -> str:
    if not created:
        return "unknown"
    return datetime.fromtimestamp(created).strftime("%Y-%m-%d %H:%M")


def _changes(previous: PresetVersion | None, version: PresetVersion) -> str:
    """What changed since the version before, by field label, and what it was restored from."""
    if previous is None:
        words = "first version" if version.number == 1 else "earliest version kept"
    else:
        labels = [diff.label for diff in field_diffs(previous, version) if diff.changed]
        words = ", ".join(labels) or "no change"
    if version.restored_from is not None:
        words += f" · restored from v{version.restored_from}"
    return words
