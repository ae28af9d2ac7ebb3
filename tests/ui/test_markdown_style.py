"""Rendered Markdown: boxed code with a Copy link per block, ruled tables, monospace plain."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QFontInfo, QGuiApplication, QTextCursor, QTextTable
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from zerogpu_desktop.ui.markdown_style import (
    COPY_SCHEME,
    CodeBlocks,
    MarkdownColours,
    style_markdown,
)

ANSWER = (
    "# Two snippets\n\nFirst:\n\n```python\nprint('one')\n```\n\nThen:\n\n"
    "```sh\necho two\n  indented   spaces\n```\n\n| Name | Value |\n|---|---|\n| a | 1 |\n"
)


def copy_links(document_html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in document_html.split(f'href="{COPY_SCHEME}:')[1:]]


def test_each_code_block_copies_exactly_its_source(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    output = window.output
    output.set_text(ANSWER)
    html = output.browser.toHtml()
    links = copy_links(html)
    assert len(links) == 2
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("something else")
    with qtbot.waitSignal(output.code_copied, timeout=2000):
        output.browser.anchorClicked.emit(QUrl(f"{COPY_SCHEME}:{links[1]}"))
    qtbot.waitUntil(lambda: clipboard.text() == "echo two\n  indented   spaces", timeout=2000)
    # Copy all still gives the answer exactly as it came.
    output.copy_all()
    qtbot.waitUntil(lambda: clipboard.text() == ANSWER, timeout=2000)


def test_code_is_boxed_and_tables_are_padded(make_window: WindowFactory) -> None:
    window = make_window()
    window.output.set_text(ANSWER)
    document = window.output.browser.document()
    cursor = document.find("print('one')")
    frame = cursor.currentFrame()
    assert frame is not document.rootFrame()
    frame_format = frame.frameFormat()
    assert frame_format.border() >= 1
    assert frame_format.padding() >= 4
    assert frame_format.background().color() != window.output.browser.palette().base().color()
    table = QTextCursor(document.find("Value")).currentTable()
    assert isinstance(table, QTextTable)
    assert table.format().cellPadding() >= 4
    assert table.format().border() >= 1


def test_plain_text_mode_uses_a_fixed_pitch_font(make_window: WindowFactory) -> None:
    window = make_window()
    assert QFontInfo(window.output.plain.font()).fixedPitch()


def test_a_link_to_a_local_file_does_not_navigate(make_window: WindowFactory) -> None:
    window = make_window()
    window.output.set_text("[secret](file:///etc/passwd)")
    window.output.browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert window.output.text() == "[secret](file:///etc/passwd)"
    assert "secret" in window.output.browser.toPlainText()


def test_styling_a_long_answer_changes_the_document_in_one_batch(
    make_window: WindowFactory,
) -> None:
    """One change to lay out, not one per code block, table and paragraph (seconds at 40 KB)."""
    section = "## Part\n\nWords.\n\n- a\n- b\n\n```python\nx = 1\n```\n\n| A |\n|---|\n| 1 |\n\n"
    window = make_window()
    browser = window.output.browser
    browser.setMarkdown(section * 50)
    changes: list[tuple[int, int, int]] = []
    browser.document().contentsChange.connect(lambda *change: changes.append(change))
    blocks = CodeBlocks()
    style_markdown(browser.document(), 0, MarkdownColours.from_palette(browser.palette()), blocks)
    assert len(blocks) == 50
    assert len(changes) == 1


def test_the_copy_link_heads_its_own_box(make_window: WindowFactory) -> None:
    window = make_window()
    window.output.set_text(ANSWER)
    document = window.output.browser.document()
    link = document.find("Copy")
    code = document.find("print('one')")
    assert link.currentFrame() == code.currentFrame()
    assert link.block().next() == code.block()
    assert link.block().text() == "python · Copy"
