"""Progressive rendering cuts Markdown only where a cut cannot change the result."""

from __future__ import annotations

from zerogpu_desktop.ui.markdown_chunks import iter_markdown_pieces, split_markdown

FENCED = "intro\n\n```python\n" + "x = 1\n\n" * 50 + "```\n\nafter\n"


def test_small_text_is_one_piece() -> None:
    assert split_markdown("# hi\n\ntext", 100) == ["# hi\n\ntext"]


def test_pieces_join_back_to_the_text() -> None:
    text = "\n\n".join(f"Paragraph {i} " + "word " * 30 for i in range(200))
    pieces = split_markdown(text, 1000)
    assert len(pieces) > 10
    assert "\n".join(pieces) == text


def test_never_cuts_inside_a_code_fence() -> None:
    pieces = split_markdown(FENCED * 5, 300)
    assert "\n".join(pieces) == FENCED * 5
    for piece in pieces:
        assert piece.count("```") % 2 == 0, piece[:80]


def test_a_giant_paragraph_is_still_cut() -> None:
    text = "\n".join("line without a blank " * 3 for _ in range(2000))
    pieces = list(iter_markdown_pieces(text, 1000))
    assert len(pieces) > 5
    assert "\n".join(pieces) == text
