"""The draft saver: the newest draft wins, saves happen off the caller's thread, errors are told."""

from __future__ import annotations

import threading
from pathlib import Path

from zerogpu_desktop.storage.draft_saver import DraftSaver
from zerogpu_desktop.storage.drafts import Draft, DraftStore


class SlowStore(DraftStore):
    """Records which thread saved and can be held mid-save."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self.release = threading.Event()
        self.release.set()
        self.threads: list[str] = []

    def save(self, draft: Draft) -> bool:
        self.release.wait(5)
        self.threads.append(threading.current_thread().name)
        return super().save(draft)


def test_typing_saves_on_the_worker_and_the_newest_draft_wins(tmp_path: Path) -> None:
    store = SlowStore(tmp_path)
    saver = DraftSaver(store)
    store.release.clear()
    saver.submit(Draft("m", "", "first"))
    for text in ("second", "third", "fourth"):
        saver.submit(Draft("m", "", text))
    store.release.set()
    assert saver.flush(5)
    assert DraftStore(tmp_path).load().user_prompt == "fourth"
    assert set(store.threads) == {"zerogpu-draft-saver"}
    assert len(store.threads) <= 2
    saver.stop()


def test_save_now_writes_before_returning(tmp_path: Path) -> None:
    saver = DraftSaver(DraftStore(tmp_path))
    assert saver.save_now(Draft("m", "s", "quit now"))
    assert DraftStore(tmp_path).load().user_prompt == "quit now"
    saver.stop()


def test_a_failed_save_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    saver = DraftSaver(DraftStore(blocker))
    assert not saver.save_now(Draft("m", "", "x"))
    assert saver.last_error is not None
    assert saver.last_error.startswith("Draft not saved")
    saver.stop()


def test_a_draft_that_cannot_be_encoded_is_told_and_the_next_one_is_saved(
    tmp_path: Path,
) -> None:
    store = DraftStore(tmp_path)
    saver = DraftSaver(store)

    saver.submit(Draft("m", "", "lone \ud800 surrogate"))
    assert saver.flush(5)
    failed_with = saver.last_error
    saver.submit(Draft("m", "", "fine"))
    assert saver.flush(5)
    saver.stop()

    assert failed_with == "Draft not saved: it holds characters that cannot be stored."
    assert saver.last_error is None
    assert DraftStore(tmp_path).load().user_prompt == "fine"


def test_a_draft_file_that_cannot_be_read_is_not_written_over(tmp_path: Path) -> None:
    (tmp_path / "draft.json").mkdir()
    saver = DraftSaver(DraftStore(tmp_path))

    written = saver.save_now(Draft("m", "", "text"))
    saver.stop()

    assert not written
    assert saver.last_error is not None
    assert saver.last_error.startswith("Draft not saved: The draft file ")
    assert saver.last_error.endswith("then try again.")
    assert (tmp_path / "draft.json").is_dir()


def test_after_stop_typing_is_ignored_but_save_now_still_writes(tmp_path: Path) -> None:
    saver = DraftSaver(DraftStore(tmp_path))
    saver.stop()

    saver.submit(Draft("m", "", "typed while closing"))
    assert saver.flush(5)
    assert not (tmp_path / "draft.json").exists()
    assert saver.save_now(Draft("m", "", "quit now"))
    assert DraftStore(tmp_path).load().user_prompt == "quit now"


def test_flush_after_stop_waits_for_the_save_still_queued(tmp_path: Path) -> None:
    store = SlowStore(tmp_path)
    saver = DraftSaver(store)
    store.release.clear()
    saver.submit(Draft("m", "", "first"))
    saver.submit(Draft("m", "", "last typed"))
    saver.stop()
    threading.Timer(0.05, store.release.set).start()

    assert saver.flush(5)
    assert DraftStore(tmp_path).load().user_prompt == "last typed"
