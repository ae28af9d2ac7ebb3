"""A JSON answer is shown indented and said to be valid; a saved answer is an ordinary file."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.helpers import no_dialog_open, wait_dialog
from zerogpu_desktop.ui.answer_json import MAX_JSON_CHARS, pretty_json
from zerogpu_desktop.ui.controls import FOCUS_RING
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.output_view import PROGRESSIVE_THRESHOLD

ANSWER = '{"name":"Ada","langs":["en","fr"],"n":1}'


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_pretty_json_only_for_whole_json_answers() -> None:
    assert pretty_json(ANSWER) == json.dumps(json.loads(ANSWER), indent=2)
    assert pretty_json("```json\n[1, 2]\n```") == "[\n  1,\n  2\n]"
    assert pretty_json("Here is JSON: {}") is None
    assert pretty_json("{not json}") is None
    assert pretty_json("[" * 5000 + "]" * 5000) is None  # over the nesting limit
    assert pretty_json("[" + "1," * MAX_JSON_CHARS + "1]") is None


def test_a_json_answer_is_indented_and_copy_keeps_the_original(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.output.set_text(ANSWER)
    qtbot.waitUntil(lambda: not window.output.is_rendering(), timeout=2000)
    assert "Valid JSON" in window.output.origin()
    assert '"name": "Ada"' in window.output.current_view().toPlainText()
    window.output.copy_all()
    assert QGuiApplication.clipboard().text() == ANSWER
    window.output.markdown_toggle.setChecked(False)
    assert '  "langs": [' in window.output.plain.toPlainText()
    window.output.set_text("Just words.")
    assert window.output.origin() == ""


def test_a_saved_answer_gets_the_umask_mode_and_the_next_save_opens_there(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, umask_022: None
) -> None:
    window.output.set_text("# Saved\n\nanswer")
    target = tmp_path / "mine" / "answer.md"
    target.parent.mkdir()
    window.output.save_to(str(target))
    assert target.read_text(encoding="utf-8") == "# Saved\n\nanswer"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    window.output.ask_save()
    dialog = wait_dialog(qtbot, QFileDialog)
    assert isinstance(dialog, QFileDialog)
    assert Path(dialog.directory().absolutePath()) == target.parent
    dialog.reject()


def test_the_output_shows_a_focus_ring(window: MainWindow) -> None:
    assert window.output.browser.styleSheet() == FOCUS_RING
    assert window.output.plain.styleSheet() == FOCUS_RING


def test_the_save_folder_survives_a_restart_and_a_removed_one_falls_back(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path, tmp_path: Path
) -> None:
    window = make_window()
    window.output.set_text("kept")
    target = tmp_path / "answers" / "answer.md"
    target.parent.mkdir()
    window.output.save_to(str(target))
    window.close()

    again = make_window(folder=data_dir)
    again.output.set_text("kept again")
    assert opened_folder(qtbot, again) == target.parent

    target.unlink()
    target.parent.rmdir()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    fallback = Path(documents) if documents and Path(documents).is_dir() else Path.home()
    assert opened_folder(qtbot, again) == fallback


def opened_folder(qtbot: QtBot, window: MainWindow) -> Path:
    window.output.ask_save()
    dialog = wait_dialog(qtbot, QFileDialog)
    assert isinstance(dialog, QFileDialog)
    folder = Path(dialog.directory().absolutePath())
    dialog.reject()
    no_dialog_open(qtbot)
    return folder


def test_a_big_json_answer_is_shown_indented_in_the_plain_view(
    qtbot: QtBot, window: MainWindow
) -> None:
    answer = json.dumps({"rows": [{"n": n, "text": "x" * 20} for n in range(2000)]})
    assert len(answer) > PROGRESSIVE_THRESHOLD
    with qtbot.waitSignal(window.output.rendered, timeout=10_000):
        window.output.set_text(answer)
    view = window.output.current_view()
    assert view is window.output.plain
    assert view.isVisible()
    assert '    {\n      "n": 1999,' in view.toPlainText()
    assert "Valid JSON" in window.output.origin()
