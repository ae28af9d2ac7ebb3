"""Makes a rendered Markdown answer read like a document: boxed code, spaced blocks, ruled tables.

`QTextDocument.setMarkdown` gives code blocks no background or border and sets headings flush
against the text around them. Qt's rich-text engine ignores CSS `border` and `padding` on
`<pre>`/`<div>`, so the styling is applied to the document itself after the Markdown was
imported: each code block is moved into a `QTextFrame` (which keeps border, padding and
background), headed by a "Copy" link whose URL names the block; tables get cell padding and
rules; headings, paragraphs and lists get margins. The styling walks only the blocks of the
range it is given, so a progressively rendered answer is styled piece by piece.

Colours come from the palette handed in, so a dark theme gets dark boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPalette,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrame,
    QTextFrameFormat,
    QTextLength,
    QTextTable,
    QTextTableFormat,
)

__all__ = ["COPY_SCHEME", "CodeBlocks", "MarkdownColours", "style_markdown"]

#: The URL scheme of the per-block "Copy" links (`zerogpu-copy:<index>`).
COPY_SCHEME = "zerogpu-copy"
#: Marks the frames made here, so a block is never boxed twice.
_CODE_FRAME = QTextFormat.Property.UserProperty + 1
_HEADING_TOP = (0, 18, 16, 14, 12, 10, 10)
_HEADING_BOTTOM = 6
_PARAGRAPH_MARGIN = 6
_LIST_ITEM_MARGIN = 3
_LINE_HEIGHT_PERCENT = 125
_CODE_PADDING = 8
_TABLE_PADDING = 6
#: Boxing a code block moves it into a frame, and each frame makes the next insertion and
#: layout dearer: past this many, code blocks keep the importer's plain monospace look.
MAX_BOXED_CODE_BLOCKS = 200
_PROPORTIONAL = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value


@dataclass(frozen=True, slots=True)
class MarkdownColours:
    """The colours of the boxes and rules, read from a palette."""

    code_background: QColor
    border: QColor
    header_background: QColor
    link: QColor
    #: Quiet text (a code block's language) that reads on light and dark alike.
    muted: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> MarkdownColours:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        return cls(
            code_background=_mix(base, text, 0.06),
            border=_mix(base, text, 0.22),
            header_background=_mix(base, text, 0.04),
            link=palette.color(QPalette.ColorRole.Link),
            muted=_mix(base, text, 0.55),
        )


class CodeBlocks:
    """The source text of every code block shown, by the index its "Copy" link carries."""

    def __init__(self) -> None:
        self._sources: list[str] = []

    def add(self, source: str) -> int:
        self._sources.append(source)
        return len(self._sources) - 1

    def source(self, index: int) -> str | None:
        return self._sources[index] if 0 <= index < len(self._sources) else None

    def clear(self) -> None:
        self._sources.clear()

    def __len__(self) -> int:
        return len(self._sources)


def style_markdown(
    document: QTextDocument, start: int, colours: MarkdownColours, code_blocks: CodeBlocks
) -> None:
    """Styles the blocks of `document` from position `start` to its end.

    All the changes are one edit block: otherwise the view lays the document out again after
    each of them, and a 40 KB answer with a hundred code blocks takes seconds instead of
    tens of milliseconds.
    """
    batch = QTextCursor(document)
    batch.beginEditBlock()
    try:
        _style_range(document, start, colours, code_blocks)
    finally:
        batch.endEditBlock()


def _style_range(
    document: QTextDocument, start: int, colours: MarkdownColours, code_blocks: CodeBlocks
) -> None:
    block = document.findBlock(start)
    code_runs: list[tuple[int, int]] = []
    tables: list[QTextTable] = []
    while block.isValid():
        cursor = QTextCursor(block)
        table = cursor.currentTable()
        if table is not None:
            if not tables or tables[-1] != table:
                tables.append(table)
        elif _is_code(block):
            if not _in_code_frame(cursor) and len(code_blocks) + len(code_runs) < (
                MAX_BOXED_CODE_BLOCKS
            ):
                first = block
                while block.next().isValid() and _is_code(block.next()):
                    block = block.next()
                code_runs.append((first.position(), block.position() + block.length() - 1))
        else:
            _space(block, cursor)
        block = block.next()
    for table in tables:
        _style_table(table, colours)
    indexes = [code_blocks.add(_text_between(document, first, last)) for first, last in code_runs]
    # From the last run back, so the positions of the earlier runs stay true.
    for (first, last), index in reversed(list(zip(code_runs, indexes, strict=True))):
        _box_code(document, first, last, colours, index)


def _is_code(block: QTextBlock) -> bool:
    return block.blockFormat().hasProperty(QTextFormat.Property.BlockCodeLanguage) or (
        block.blockFormat().hasProperty(QTextFormat.Property.BlockCodeFence)
    )


def _in_code_frame(cursor: QTextCursor) -> bool:
    frame: QTextFrame | None = cursor.currentFrame()
    return frame is not None and frame.frameFormat().hasProperty(_CODE_FRAME)


def _space(block: QTextBlock, cursor: QTextCursor) -> None:
    fmt = block.blockFormat()
    level = fmt.headingLevel()
    if level > 0:
        fmt.setTopMargin(_HEADING_TOP[min(level, 6)] if block.position() > 0 else 0)
        fmt.setBottomMargin(_HEADING_BOTTOM)
    elif block.textList() is not None:
        fmt.setTopMargin(_LIST_ITEM_MARGIN)
        fmt.setBottomMargin(_LIST_ITEM_MARGIN)
        fmt.setLineHeight(_LINE_HEIGHT_PERCENT, _PROPORTIONAL)
    else:
        fmt.setTopMargin(_PARAGRAPH_MARGIN)
        fmt.setBottomMargin(_PARAGRAPH_MARGIN)
        fmt.setLineHeight(_LINE_HEIGHT_PERCENT, _PROPORTIONAL)
    cursor.setBlockFormat(fmt)


def _style_table(table: QTextTable, colours: MarkdownColours) -> None:
    fmt: QTextTableFormat = table.format()
    fmt.setBorder(1)
    fmt.setBorderBrush(QBrush(colours.border))
    fmt.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
    fmt.setBorderCollapse(True)
    fmt.setCellPadding(_TABLE_PADDING)
    fmt.setCellSpacing(0)
    fmt.setTopMargin(8)
    fmt.setBottomMargin(8)
    table.setFormat(fmt)
    if table.rows() > 1:
        for column in range(table.columns()):
            cell = table.cellAt(0, column)
            cell_format = cell.format()
            cell_format.setBackground(QBrush(colours.header_background))
            cell.setFormat(cell_format)


def _box_code(
    document: QTextDocument,
    first: int,
    last: int,
    colours: MarkdownColours,
    index: int,
) -> None:
    cursor = QTextCursor(document)
    cursor.setPosition(first)
    cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
    language = cursor.blockFormat().property(QTextFormat.Property.BlockCodeLanguage)

    frame_format = QTextFrameFormat()
    frame_format.setProperty(_CODE_FRAME, True)
    frame_format.setBackground(QBrush(colours.code_background))
    frame_format.setBorder(1)
    frame_format.setBorderBrush(QBrush(colours.border))
    frame_format.setBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
    frame_format.setPadding(_CODE_PADDING)
    frame_format.setTopMargin(6)
    frame_format.setBottomMargin(8)
    frame_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    frame = cursor.insertFrame(frame_format)

    # A small header line in the box: the language, and the link that copies this block.
    header = QTextCursor(document)
    header.setPosition(frame.firstPosition())
    header.insertBlock()
    # Back into the empty block just made (a plain position: moving by blocks lays out).
    header.setPosition(frame.firstPosition())
    header_format = QTextBlockFormat()
    header_format.setAlignment(Qt.AlignmentFlag.AlignRight)
    header_format.setBottomMargin(2)
    header.setBlockFormat(header_format)
    plain = QTextCharFormat()
    if isinstance(language, str) and language:
        muted = QTextCharFormat()
        muted.setForeground(QBrush(colours.muted))
        header.insertText(f"{language[:40]} · ", muted)
    link = QTextCharFormat()
    link.setAnchor(True)
    link.setAnchorHref(f"{COPY_SCHEME}:{index}")
    link.setForeground(QBrush(colours.link))
    link.setFontUnderline(True)
    link.setToolTip("Copy this code block")
    header.insertText("Copy", link)
    header.setCharFormat(plain)


def _text_between(document: QTextDocument, first: int, last: int) -> str:
    cursor = QTextCursor(document)
    cursor.setPosition(first)
    cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selection().toPlainText()


def _mix(base: QColor, other: QColor, amount: float) -> QColor:
    """`base` moved `amount` (0..1) of the way towards `other`."""
    return QColor(
        round(base.red() + (other.red() - base.red()) * amount),
        round(base.green() + (other.green() - base.green()) * amount),
        round(base.blue() + (other.blue() - base.blue()) * amount),
    )
