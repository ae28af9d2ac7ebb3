"""The Output pane: Markdown or plain, copy all, save, and a 3 MB answer that never freezes."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontInfo, QGuiApplication, QTextCharFormat, QTextCursor
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario, huge_markdown
from tests.ui.conftest import MODEL
from tests.ui.helpers import press_send, type_model, type_user_prompt, wait_finished
from zerogpu_desktop.storage import SettingsStore
from zerogpu_desktop.ui.main_window import MainWindow

MARKDOWN = Scenario.MARKDOWN_TEXT


def ask(qtbot: QtBot, window: MainWindow, prompt: str = "Explain quick sort") -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, prompt)
    press_send(qtbot, window)
    wait_finished(qtbot, window)


def code_block_is_monospace(window: MainWindow) -> bool:
    """Finds the fenced code in the rendered document and checks its font is fixed-pitch."""
    document = window.output.browser.document()
    cursor = document.find("def quick_sort")
    assert not cursor.isNull()
    fmt: QTextCharFormat = cursor.charFormat()
    families = [family.lower() for family in fmt.fontFamilies() or []]
    return fmt.fontFixedPitch() or "monospace" in families or QFontInfo(fmt.font()).fixedPitch()


def test_markdown_renders_toggles_copies_and_saves(
    qtbot: QtBot, window: MainWindow, server: FakeServer, tmp_path: Path
) -> None:
    server.scenario = Scenario.markdown()
    ask(qtbot, window)

    browser = window.output.browser
    assert window.output.current_view() is browser
    assert browser.isVisible()
    shown = browser.toPlainText()
    assert "Quick sort in Python" in shown
    assert "def quick_sort(items: list[int]) -> list[int]:" in shown
    assert "```" not in shown
    assert "# Quick sort" not in shown
    assert "**pivot**" not in shown
    assert code_block_is_monospace(window)
    browser.setFocus()
    qtbot.keyClick(browser, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert "Quick sort in Python" in browser.textCursor().selectedText()
    # Text is selectable with the mouse and the keyboard, in both views.
    for view in (browser, window.output.plain):
        flags = view.textInteractionFlags()
        assert flags & Qt.TextInteractionFlag.TextSelectableByMouse
        assert flags & Qt.TextInteractionFlag.TextSelectableByKeyboard

    toggle = window.output.markdown_toggle
    assert toggle.accessibleName() == "Render Markdown"
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    plain = window.output.plain
    qtbot.waitUntil(plain.isVisible, timeout=2000)
    assert window.output.current_view() is plain
    assert plain.accessibleName() == "Output"
    assert plain.toPlainText() == MARKDOWN
    # The choice is remembered.
    assert SettingsStore(window.session.services.data_dir).load().markdown_output is False

    clipboard = QGuiApplication.clipboard()
    clipboard.setText("something else")
    qtbot.mouseClick(window.output.copy_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: clipboard.text() == MARKDOWN, timeout=2000)

    target = tmp_path / "answer.md"
    with qtbot.waitSignal(window.output.saved, timeout=2000):
        window.output.save_to(str(target))
    assert target.read_text(encoding="utf-8") == MARKDOWN
    assert window.status.state_label.text() == f"Saved to {target}"

    # Back to Markdown.
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(browser.isVisible, timeout=2000)
    assert "```" not in browser.toPlainText()


def test_saving_to_a_folder_that_does_not_exist_shows_a_sentence(
    qtbot: QtBot, window: MainWindow, server: FakeServer, tmp_path: Path
) -> None:
    server.scenario = Scenario.markdown()
    ask(qtbot, window)

    with qtbot.waitSignal(window.output.save_failed, timeout=2000):
        window.output.save_to(str(tmp_path / "missing" / "answer.txt"))

    assert window.banner.isVisible()
    assert "Could not save to" in window.banner.text()


def test_copy_and_save_are_disabled_until_there_is_an_answer(window: MainWindow) -> None:
    assert not window.output.copy_button.isEnabled()
    assert not window.output.save_button.isEnabled()


def test_unicode_answer_is_shown_intact(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    server.scenario = Scenario.unicode()
    ask(qtbot, window, "say hello in many scripts")
    qtbot.mouseClick(window.output.markdown_toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.output.plain.isVisible, timeout=2000)
    assert window.output.plain.toPlainText() == Scenario.UNICODE_TEXT


def test_multi_part_answer_joins_the_text_and_hides_the_rest(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    server.scenario = Scenario.multi_part()
    ask(qtbot, window, "several parts please")
    assert window.output.text() == Scenario.MULTI_PART_TEXT
    assert "MUST NOT BE SHOWN" not in window.output.browser.toPlainText()


def test_a_huge_answer_renders_progressively_without_freezing(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    size = 3_000_000
    expected = huge_markdown(size)
    server.scenario = Scenario.huge(size)
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "Write a very long answer")

    ticks: list[float] = []
    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    rendered: list[float] = []
    window.output.rendered.connect(lambda: rendered.append(time.perf_counter()))

    ticker.start()
    started = time.perf_counter()
    press_send(qtbot, window)
    qtbot.waitUntil(lambda: bool(rendered), timeout=40_000)
    finished = time.perf_counter()
    ticker.stop()

    stamps = [started, *ticks, finished]
    worst = max(later - earlier for earlier, later in itertools.pairwise(stamps))
    print(
        f"\nhuge answer: {len(expected):,} chars in {finished - started:.2f} s, "
        f"{len(ticks)} ticks, worst event-loop gap {worst * 1000:.0f} ms"
    )
    assert worst < 0.5, f"the window froze for {worst * 1000:.0f} ms"

    assert window.output.text() == expected
    document_text = window.output.browser.toPlainText()
    assert document_text.startswith("A very long answer")
    last_section = expected.rstrip().rsplit("## Section ", 1)[1].split("\n", 1)[0]
    assert f"Section {last_section}" in document_text[-3000:]
    assert "```" not in document_text
    cursor = QTextCursor(window.output.browser.document())
    assert cursor.document().characterCount() > 1_000_000
    assert window.status.state_label.text().startswith("Done in ")
