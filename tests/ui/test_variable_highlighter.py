"""`{{variables}}` are marked in the editors as they are typed; ones with no value stand out."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCharFormat
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from tests.ui.conftest import MODEL, WindowFactory
from tests.ui.helpers import (
    press_send,
    type_model,
    type_user_prompt,
    variables_form,
    wait_finished,
)
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.templating import variable_spans
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.prompt_editor import PromptEditor
from zerogpu_desktop.ui.variable_highlighter import MAX_MARKED_LINE, UNFILLED_TIP

WAVE = QTextCharFormat.UnderlineStyle.WaveUnderline


def marks(editor: PromptEditor) -> list[tuple[str, bool]]:
    """Each highlighted stretch of the first line: its text, and whether it is wavy (unfilled)."""
    block = editor.editor.document().firstBlock()
    text = block.text()
    return [
        (text[r.start : r.start + r.length], r.format.underlineStyle() == WAVE)
        for r in block.layout().formats()
    ]


def test_the_spans_follow_the_same_rules_as_sending() -> None:
    text = r"Hi {{ name }}, \{{literal}} and {{{x}}} or {{two words}}"
    assert [(text[s:e], n) for s, e, n in variable_spans(text)] == [
        ("{{ name }}", "name"),
        ("{{x}}", "x"),
    ]
    assert variable_spans("no braces") == []


def test_unfilled_variables_are_marked_until_they_have_a_value(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, r"Translate {{word}} not \{{this}}")
    assert marks(window.user_editor) == [("{{word}}", True)]

    press_send(qtbot, window)
    form = variables_form(qtbot)
    qtbot.keyClicks(form.fields["word"], "Haus")
    qtbot.keyClick(form.fields["word"], Qt.Key.Key_Return)
    wait_finished(qtbot, window)
    qtbot.waitUntil(lambda: marks(window.user_editor) == [("{{word}}", False)], timeout=2000)


def test_typing_in_a_large_prompt_stays_fast(qtbot: QtBot, window: MainWindow) -> None:
    """About 1 MB of prompt with variables on many lines: a keystroke stays well under 50 ms."""
    line = "Some words of a long prompt with a {{topic}} inside it, and more words.\n"
    window.user_editor.set_text(line * (1_000_000 // len(line)))
    editor = window.user_editor.editor
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.Start)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_A)  # the first keystroke lays out what is visible
    started = time.perf_counter()
    for _ in range(20):
        qtbot.keyClick(editor, Qt.Key.Key_B)
    per_key = (time.perf_counter() - started) / 20
    assert per_key < 0.05, f"{per_key * 1000:.1f} ms per keystroke"


def test_hovering_a_marked_variable_says_what_the_mark_means(
    qtbot: QtBot, window: MainWindow
) -> None:
    editor = window.user_editor
    editor.set_text("Ask {{who}} about {{topic}}")
    editor.set_known_variables({"topic"})
    cursor = editor.editor.textCursor()

    def point_at(column: int) -> QPoint:
        cursor.setPosition(column)
        return editor.editor.cursorRect(cursor).center() + QPoint(2, 0)

    viewport = editor.editor.viewport()
    who = point_at(6)
    event = QHelpEvent(QEvent.Type.ToolTip, who, viewport.mapToGlobal(who))
    QApplication.sendEvent(viewport, event)
    assert QToolTip.text() == UNFILLED_TIP.format(name="who")
    assert "{{who}} has no value yet" in QToolTip.text()
    topic = point_at(20)
    assert editor.variable_tip_at(topic.x(), topic.y()) == ""  # it has a value
    plain = point_at(1)
    assert editor.variable_tip_at(plain.x(), plain.y()) == ""


def test_a_loaded_presets_remembered_values_count_as_known(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    store = PresetStore(data_dir)
    store.save(Preset("Words", MODEL, "", "Translate {{word}} to {{language}}"))
    store.remember_variables("Words", {"word": "Haus"})
    window = make_window()
    library = window.attach_library()
    preset = store.get("Words")
    assert preset is not None
    library.load_preset(preset)
    assert marks(window.user_editor) == [("{{word}}", False), ("{{language}}", True)]


def test_a_huge_line_is_left_unmarked_so_typing_in_it_stays_bearable(window: MainWindow) -> None:
    filler = "x" * MAX_MARKED_LINE
    window.user_editor.set_text("{{topic}} " + filler)
    assert marks(window.user_editor) == []
    window.user_editor.set_text("{{topic}} " + filler[: MAX_MARKED_LINE - 20])
    assert marks(window.user_editor) == [("{{topic}}", True)]
