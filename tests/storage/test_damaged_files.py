"""Every local JSON file: damaged content is moved aside, an unreadable file is left alone.

Each store of the data folder is checked the same way, because each one reads its file at
start-up and a single one that raises breaks every start.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from zerogpu_desktop.api.tokens import TokenCalibration
from zerogpu_desktop.storage import (
    MAX_LOCAL_FILE_BYTES,
    Draft,
    DraftStore,
    Loaded,
    Settings,
    SettingsStore,
    UiStateStore,
    UnreadableFileKeptError,
    load_json_or_quarantine,
    local_files,
)
from zerogpu_desktop.storage.calibration import CalibrationStore
from zerogpu_desktop.storage.presets.file import read_presets_file
from zerogpu_desktop.storage.presets.lock import LOCK_FILE_NAME
from zerogpu_desktop.storage.presets.store import Preset, PresetStore

DEEP = '{"version": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
LONG_NUMBER = '{"version": 1, "x": 1' + "0" * 4_999 + "}"


@dataclass(frozen=True)
class StoreCase:
    """How to read and save one store, and what its file is called."""

    file_name: str
    load: Callable[[Path], str | None]
    """Reads the store in the folder and returns the sentence ``read()`` gave."""
    save: Callable[[Path], object]


def _problems_kept(store: object) -> dict[str, object]:
    """What the store holds that looks like a sentence waiting to be told."""
    return {
        name: value
        for name, value in vars(store).items()
        if "problem" in name and value is not None
    }


def _nothing_left_behind(store: object, loaded: Loaded[object]) -> str | None:
    """``read()`` returns its sentence; it leaves nobody anything to look up later."""
    assert _problems_kept(store) == {}
    return loaded.problem


def _load_settings(folder: Path) -> str | None:
    store = SettingsStore(folder)
    loaded = store.read()
    assert loaded.value == Settings()
    return _nothing_left_behind(store, loaded)


def _load_presets(folder: Path) -> str | None:
    store = PresetStore(folder)
    loaded = store.read()
    assert loaded.value == []
    return _nothing_left_behind(store, loaded)


def _load_draft(folder: Path) -> str | None:
    store = DraftStore(folder)
    loaded = store.read()
    assert loaded.value == Draft()
    return _nothing_left_behind(store, loaded)


def _load_ui_state(folder: Path) -> str | None:
    store = UiStateStore(folder)
    loaded = store.read()
    assert loaded.value == {}
    assert store.get("geometry") is None
    return _nothing_left_behind(store, loaded)


def _load_calibration(folder: Path) -> str | None:
    store = CalibrationStore(folder)
    loaded = store.read()
    assert loaded.value.to_json() == {}
    return _nothing_left_behind(store, loaded)


def _save_ui_state(folder: Path) -> None:
    store = UiStateStore(folder)
    store.set("geometry", b"\x01\x02")
    store.save()


STORES = [
    StoreCase("settings.json", _load_settings, lambda d: SettingsStore(d).save(Settings())),
    StoreCase(
        "presets.json",
        _load_presets,
        lambda d: PresetStore(d).save(Preset("p", "m", "s", "u")),
    ),
    StoreCase("draft.json", _load_draft, lambda d: DraftStore(d).save(Draft("m", "s", "u"))),
    StoreCase("ui_state.json", _load_ui_state, _save_ui_state),
    StoreCase(
        "calibration.json",
        _load_calibration,
        lambda d: CalibrationStore(d).save(TokenCalibration()),
    ),
]
STORE_IDS = [case.file_name for case in STORES]


@pytest.mark.parametrize("case", STORES, ids=STORE_IDS)
@pytest.mark.parametrize(
    ("content", "reason"),
    [(DEEP, "nested more than 1,000 levels deep"), (LONG_NUMBER, "a number with too many digits")],
    ids=["deep", "5000-digits"],
)
def test_content_the_parser_chokes_on_is_moved_aside(
    tmp_path: Path, case: StoreCase, content: str, reason: str
) -> None:
    target = tmp_path / case.file_name
    target.write_text(content, encoding="utf-8")

    problem = case.load(tmp_path)

    assert not target.exists()
    kept = list(tmp_path.glob(f"{case.file_name}.corrupt-*"))
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == content
    assert problem is not None
    assert reason in problem
    assert str(kept[0]) in problem


@pytest.mark.parametrize("case", STORES, ids=STORE_IDS)
def test_a_folder_in_place_of_the_file_is_left_and_never_written_over(
    tmp_path: Path, case: StoreCase
) -> None:
    target = tmp_path / case.file_name
    target.mkdir()
    (target / "inside.txt").write_text("keep me", encoding="utf-8")

    problem = case.load(tmp_path)
    with pytest.raises(UnreadableFileKeptError) as refused:
        case.save(tmp_path)

    assert (target / "inside.txt").read_text(encoding="utf-8") == "keep me"
    assert _written(tmp_path) == [case.file_name]
    assert problem is not None
    assert "could not be read (it is a folder, not a regular file)" in problem
    assert "will not write over it" in problem
    assert isinstance(refused.value, OSError)
    assert str(target) in str(refused.value)
    assert "was not overwritten" in str(refused.value)
    assert refused.value.strerror is not None
    assert "was not overwritten" in refused.value.strerror


def _written(folder: Path) -> list[str]:
    """The files in `folder`, but the presets' lock (taken before any change, never data)."""
    return sorted(p.name for p in folder.iterdir() if p.name != LOCK_FILE_NAME)


@pytest.fixture
def denied(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make opening one path fail with EACCES (chmod 000 means nothing to root)."""

    def deny(path: Path) -> None:
        real_open = os.open

        def fake_open(name: object, flags: int, *args: object, **kwargs: object) -> int:
            if Path(str(name)) == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(name))
            return real_open(name, flags, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", fake_open)

    return deny


@pytest.mark.parametrize("case", STORES, ids=STORE_IDS)
def test_a_file_without_read_permission_is_left_and_never_written_over(
    tmp_path: Path, case: StoreCase, denied: Callable[[Path], None]
) -> None:
    target = tmp_path / case.file_name
    target.write_text('{"version": 1, "precious": true}', encoding="utf-8")
    denied(target)

    problem = case.load(tmp_path)
    with pytest.raises(UnreadableFileKeptError, match=r"Permission denied"):
        case.save(tmp_path)

    assert target.read_text(encoding="utf-8") == '{"version": 1, "precious": true}'
    assert _written(tmp_path) == [case.file_name]
    assert problem is not None
    assert "could not be read (Permission denied)" in problem


def test_a_fixed_file_is_written_again(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    target.mkdir()
    store = SettingsStore(tmp_path)
    store.load()
    target.rmdir()  # the user removed what was in the way

    store.save(Settings(project_id="p"))

    assert SettingsStore(tmp_path).load().project_id == "p"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_in_place_of_the_file_does_not_hang_and_is_left(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    os.mkfifo(target)
    outcome: list[str | None] = []

    reader = threading.Thread(target=lambda: outcome.append(_load_settings(tmp_path)))
    reader.daemon = True  # if opening blocked, the test must still end
    reader.start()
    reader.join(5)

    assert outcome, "loading settings blocked on a named pipe"
    assert outcome[0] is not None
    assert "named pipe" in outcome[0]
    assert target.exists()
    with pytest.raises(UnreadableFileKeptError):
        SettingsStore(tmp_path).save(Settings())


def test_a_file_over_the_cap_is_moved_aside_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "settings.json"
    with target.open("wb") as handle:
        handle.truncate(MAX_LOCAL_FILE_BYTES + 1)  # sparse: no disk space, no time
    read_sizes: list[int] = []
    real_read = os.read

    def counting_read(fd: int, size: int) -> bytes:
        read_sizes.append(size)
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", counting_read)
    started = time.monotonic()

    problem = _load_settings(tmp_path)

    assert time.monotonic() - started < 1.0
    assert read_sizes == []
    assert problem is not None
    assert "is larger than 64 MiB" in problem
    assert not target.exists()
    assert len(list(tmp_path.glob("settings.json.corrupt-*"))) == 1


def test_a_file_at_the_cap_is_read(tmp_path: Path) -> None:
    target = tmp_path / "small.json"
    target.write_bytes(b'{"a": 1}')

    assert local_files.read_capped(target, cap=8) == b'{"a": 1}'
    with pytest.raises(local_files.FileContentError, match="larger than 7 bytes"):
        local_files.read_capped(target, cap=7)


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_the_read_stops_past_the_cap_when_the_size_on_disk_says_nothing() -> None:
    # /proc files report size 0 but have content: only the read loop's bound can stop them.
    with pytest.raises(local_files.FileContentError, match="larger than 16 bytes"):
        local_files.read_capped(Path("/proc/self/maps"), cap=16)


def test_a_lone_surrogate_in_a_file_is_replaced_so_it_can_be_saved_again(
    tmp_path: Path,
) -> None:
    (tmp_path / "draft.json").write_text(
        '{"version": 1, "model": "m", "user_prompt": "bad \\ud800 text"}', encoding="utf-8"
    )
    store = DraftStore(tmp_path)

    draft = store.load()
    store.save(Draft(draft.model, "changed", draft.user_prompt))

    assert draft.user_prompt == "bad \ufffd text"
    assert DraftStore(tmp_path).load().system_prompt == "changed"


def test_loading_does_not_raise_for_any_of_these(tmp_path: Path) -> None:
    """The generic loader itself, for a file name no store uses."""
    target = tmp_path / "other.json"
    for content in (DEEP, LONG_NUMBER, "[" * 100_000):
        target.write_text(content, encoding="utf-8")
        result = load_json_or_quarantine(target)
        assert result.data is None
        assert result.quarantined_to is not None
        assert not target.exists()


def _loaded_quietly(store: SettingsStore | PresetStore | DraftStore | CalibrationStore) -> object:
    store.load()
    return store


def _ui_state_used_quietly(folder: Path) -> object:
    store = UiStateStore(folder)
    store.get("geometry")  # the read on first use
    return store


QUIET_USES: dict[str, Callable[[Path], object]] = {
    "settings.json": lambda d: _loaded_quietly(SettingsStore(d)),
    "presets.json": lambda d: _loaded_quietly(PresetStore(d)),
    "draft.json": lambda d: _loaded_quietly(DraftStore(d)),
    "ui_state.json": _ui_state_used_quietly,
    "calibration.json": lambda d: _loaded_quietly(CalibrationStore(d)),
}
"""Each store used by a caller with nobody to tell: ``load()``, or a read on first use."""


@pytest.mark.parametrize("case", STORES, ids=STORE_IDS)
def test_only_read_tells_the_sentence_a_quiet_use_keeps_none(
    tmp_path: Path, case: StoreCase
) -> None:
    """No store keeps a sentence for someone to look up later; ``read()`` still returns it."""
    (tmp_path / case.file_name).write_text("{not json", encoding="utf-8")
    store = QUIET_USES[case.file_name](tmp_path)
    (tmp_path / case.file_name).write_text("{not json", encoding="utf-8")
    told_by_read = case.load(tmp_path)

    assert _problems_kept(store) == {}
    assert told_by_read is not None
    assert "is not valid JSON" in told_by_read


def test_a_file_of_millions_of_tiny_values_is_moved_aside_before_it_is_decoded(
    tmp_path: Path,
) -> None:
    """16 MiB of `{}` entries would cost json.loads over a gigabyte."""
    path = tmp_path / "presets.json"
    path.write_bytes(b'{"version": 1, "presets": [' + b"{}," * 5_000_000 + b"{}]}")
    started = time.monotonic()
    content = read_presets_file(path)
    assert time.monotonic() - started < 2.0
    assert content.presets == ()
    assert content.problem is not None
    assert "more than 1,000,000 JSON values" in content.problem
    assert not path.exists()
