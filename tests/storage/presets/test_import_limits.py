"""A file offered for import is bounded and every reading problem is a PresetFormatError.

An ``OSError`` out of ``PresetStore.import_file`` must mean only "the presets file could
not be written", so the command line can say so truthfully.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from zerogpu_desktop.storage import MAX_LOCAL_FILE_BYTES, atomic
from zerogpu_desktop.storage.presets.store import (
    Preset,
    PresetExportTargetError,
    PresetFileReadError,
    PresetFormatError,
    PresetStore,
    parse_import,
)

GOOD = json.dumps({"format": "zerogpu-desktop-presets", "version": 1, "presets": [{"name": "A"}]})


@pytest.fixture
def store(tmp_path: Path) -> PresetStore:
    folder = tmp_path / "data"
    folder.mkdir()
    return PresetStore(folder)


def _import_within(store: PresetStore, path: Path, seconds: float) -> BaseException | None:
    """Run the import on a thread so a blocking read fails the test instead of hanging it."""
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            store.import_file(path)
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"importing {path} did not finish within {seconds} s"
    return outcome[0]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_at_once(store: PresetStore) -> None:
    started = time.monotonic()

    error = _import_within(store, Path("/dev/zero"), 5)

    assert time.monotonic() - started < 1.0
    assert isinstance(error, PresetFileReadError)
    assert (
        str(error) == "The file /dev/zero could not be read (it is a device, not a regular file)."
    )
    assert store.list() == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_is_refused_at_once(tmp_path: Path, store: PresetStore) -> None:
    fifo = tmp_path / "presets.fifo"
    os.mkfifo(fifo)

    error = _import_within(store, fifo, 5)

    assert isinstance(error, PresetFileReadError)
    assert "named pipe, not a regular file" in str(error)


def test_a_file_over_the_cap_is_refused_without_reading_it(
    tmp_path: Path, store: PresetStore
) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_LOCAL_FILE_BYTES + 1)
    started = time.monotonic()

    with pytest.raises(PresetFormatError, match="it is larger than 64 MiB") as refused:
        store.import_file(big)

    assert time.monotonic() - started < 1.0
    assert not isinstance(refused.value, PresetFileReadError)
    assert big.stat().st_size == MAX_LOCAL_FILE_BYTES + 1  # an import never moves the file


def test_permission_denied_gives_the_system_reason(
    tmp_path: Path, store: PresetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "theirs.json"
    source.write_text(GOOD, encoding="utf-8")
    real_open = os.open

    def fake_open(name: object, flags: int, *args: object, **kwargs: object) -> int:
        if Path(str(name)) == source:
            raise PermissionError(errno.EACCES, "Permission denied", str(name))
        return real_open(name, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", fake_open)

    with pytest.raises(PresetFileReadError) as refused:
        store.import_file(source)

    assert str(refused.value) == f"The file {source} could not be read (Permission denied)."
    assert refused.value.os_reason == "Permission denied"
    assert not isinstance(refused.value, OSError)


def test_a_missing_file_is_a_reading_problem_too(tmp_path: Path, store: PresetStore) -> None:
    with pytest.raises(PresetFileReadError, match="No such file or directory"):
        store.import_file(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00", "it is not UTF-8 text"),
        (b"{nope", "it is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 1,000 levels deep"),
        (b'{"version": 1' + b"0" * 5_000 + b"}", "a number with too many digits"),
    ],
    ids=["not-utf8", "not-json", "deep", "5000-digits"],
)
def test_content_problems_are_format_errors(
    tmp_path: Path, store: PresetStore, content: bytes, message: str
) -> None:
    source = tmp_path / "theirs.json"
    source.write_bytes(content)

    with pytest.raises(PresetFormatError, match=message):
        store.import_file(source)
    with pytest.raises(PresetFormatError, match=message):
        parse_import(content)
    if message != "it is not UTF-8 text":  # the same content as text, as the window passes
        with pytest.raises(PresetFormatError, match=message):
            parse_import(content.decode("utf-8"))


def test_an_os_error_out_of_import_file_means_the_write_failed(
    tmp_path: Path, store: PresetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "theirs.json"
    source.write_text(GOOD, encoding="utf-8")

    def full_disk(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic, "atomic_write_text", full_disk)

    with pytest.raises(OSError, match="No space left") as failed:
        store.import_file(source)

    assert not isinstance(failed.value, PresetFormatError)
    assert not store.path.exists()


@pytest.mark.parametrize("kind", ["fifo", "symlink", "folder"])
def test_an_export_never_replaces_anything_but_a_regular_file(tmp_path: Path, kind: str) -> None:
    store = PresetStore(tmp_path)
    store.save(Preset("p", "m", "", "u"))
    target = tmp_path / "target"
    other = tmp_path / "elsewhere.txt"
    other.write_text("keep me", encoding="utf-8")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        target.symlink_to(other)
    else:
        target.mkdir()
    with pytest.raises(PresetExportTargetError, match="Choose a new file name") as caught:
        store.export_to_file(target)
    assert "not a regular file" in str(caught.value)
    if kind == "fifo":
        assert stat.S_ISFIFO(os.lstat(target).st_mode)
    elif kind == "symlink":
        assert target.is_symlink()
    else:
        assert target.is_dir()
    assert other.read_text(encoding="utf-8") == "keep me"


def test_an_export_over_an_earlier_export_still_works(tmp_path: Path) -> None:
    store = PresetStore(tmp_path)
    store.save(Preset("p", "m", "", "u"))
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    assert store.export_to_file(target) == 1
    assert '"p"' in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("limit", [10**29, 1_000_000_001, 0, -5, 2.5, True])
def test_an_impossible_input_limit_in_an_import_is_taken_as_unknown(limit: object) -> None:
    text = json.dumps(
        {
            "format": "zerogpu-desktop-presets",
            "version": 1,
            "presets": [{"name": "A", "input_token_limit": limit}],
        }
    )
    (preset,) = parse_import(text).presets
    assert preset.input_token_limit is None


def test_a_real_input_limit_in_an_import_is_kept() -> None:
    text = json.dumps(
        {
            "format": "zerogpu-desktop-presets",
            "version": 1,
            "presets": [{"name": "A", "input_token_limit": 128_000}],
        }
    )
    (preset,) = parse_import(text).presets
    assert preset.input_token_limit == 128_000
