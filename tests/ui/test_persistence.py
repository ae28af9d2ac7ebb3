"""Never lose work: drafts are autosaved and restored; the layout comes back as it was left."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSize
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import MODEL, WindowFactory
from tests.ui.helpers import (
    paste_user_prompt,
    press_send,
    type_model,
    type_system_prompt,
    type_user_prompt,
    wait_finished,
)
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.calibration import CALIBRATION_FILE_NAME
from zerogpu_desktop.storage.drafts import DRAFT_FILE_NAME
from zerogpu_desktop.storage.settings import SETTINGS_FILE_NAME
from zerogpu_desktop.storage.ui_state import UI_STATE_FILE_NAME

SYSTEM = "Answer as a pirate."
USER = "Where is the treasure?\nSecond line."
#: Typed keys are Latin-1 only (QTest's limit); the rest comes in by pasting.
PASTED = " Grüße, 世界 👩‍💻 e\u0301"


def draft_on_disk(data_dir: Path) -> dict[str, object]:
    path = data_dir / DRAFT_FILE_NAME
    if not path.exists():
        return {}
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_typed_prompts_are_autosaved_and_restored_after_a_crash(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    first = make_window()
    type_model(qtbot, first, MODEL)
    type_system_prompt(qtbot, first, SYSTEM)
    type_user_prompt(qtbot, first, USER)
    paste_user_prompt(qtbot, first, PASTED)
    typed = USER + PASTED

    # Nobody pressed anything: the debounce alone writes the draft.
    qtbot.waitUntil(lambda: draft_on_disk(data_dir).get("user_prompt") == typed, timeout=3000)
    assert draft_on_disk(data_dir) == {
        "version": 1,
        "model": MODEL,
        "system_prompt": SYSTEM,
        "user_prompt": typed,
        "response_format": "text",
    }

    # A "crash": the first window never closes, a new one starts on the same folder.
    second = make_window()
    assert second.model_picker.model() == MODEL
    assert second.system_editor.text() == SYSTEM
    assert second.user_editor.text() == typed
    # Restoring is not an edit the person has to undo twice, but it can be undone.
    assert second.user_editor.editor.document().isUndoAvailable() is False


def test_prompts_survive_a_failed_send_and_a_restart(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, data_dir: Path
) -> None:
    first = make_window(settings=Settings(max_retries=0))
    server.scenario = Scenario.status(500)
    type_model(qtbot, first, MODEL)
    type_user_prompt(qtbot, first, USER)
    press_send(qtbot, first)
    wait_finished(qtbot, first)
    assert first.banner.isVisible()
    # Sending saved the draft at once, without waiting for the debounce.
    assert draft_on_disk(data_dir).get("user_prompt") == USER

    second = make_window()
    assert second.user_editor.text() == USER
    assert second.model_picker.model() == MODEL


def test_closing_the_window_saves_the_draft_immediately(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window()
    type_user_prompt(qtbot, window, "typed just before closing")
    window.close()
    assert draft_on_disk(data_dir).get("user_prompt") == "typed just before closing"


def test_splitters_and_window_size_persist(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    first = make_window()
    screen = first.screen().availableGeometry()
    minimum = first.minimumSizeHint()
    wanted = QSize(
        min(max(minimum.width() + 60, 900), screen.width() - 20),
        min(max(minimum.height() + 40, 600), screen.height() - 20),
    )
    first.resize(wanted)
    qtbot.waitUntil(lambda: first.size() == wanted, timeout=2000)
    main_total = sum(first.main_splitter.sizes())
    first.main_splitter.setSizes([main_total // 3, main_total - main_total // 3])
    prompt_total = sum(first.prompt_splitter.sizes())
    first.prompt_splitter.setSizes([prompt_total // 4, prompt_total - prompt_total // 4])
    saved_size = first.size()
    saved_main = first.main_splitter.sizes()
    saved_prompt = first.prompt_splitter.sizes()
    assert saved_main[0] < saved_main[1]
    first.close()
    assert (data_dir / UI_STATE_FILE_NAME).exists()

    second = make_window()

    qtbot.waitUntil(lambda: second.size() == saved_size, timeout=2000)
    assert second.main_splitter.sizes() == saved_main
    assert second.prompt_splitter.sizes() == saved_prompt


def test_files_found_broken_at_start_are_told_in_one_warning(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    for name in (SETTINGS_FILE_NAME, DRAFT_FILE_NAME, UI_STATE_FILE_NAME, CALIBRATION_FILE_NAME):
        (data_dir / name).write_text("{ this is not json", encoding="utf-8")

    window = make_window(load_key=False)

    words = window.banner.text()
    assert window.banner.isVisible()
    assert words.startswith("A file was damaged")
    for what in ("settings", "draft", "window layout", "token calibration"):
        assert what in words, f"the {what} file is not mentioned: {words}"
    assert window.user_editor.text() == ""
