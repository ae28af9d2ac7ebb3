"""What Compare columns show: folded shared paragraphs, marks on the chosen pair only, and
ranges a QTextCursor can use whatever the characters."""

from __future__ import annotations

from zerogpu_desktop.workbench.compare_display import (
    MAX_SHOWN_CHARS,
    column_displays,
    utf16_ranges,
)


def _marked(text: str, ranges: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[start : start + length] for start, length in ranges]


def test_without_choices_every_column_shows_its_answer_whole() -> None:
    displays = column_displays(["A.\n\nB.", None, "C."])
    assert [d.text for d in displays] == ["A.\n\nB.", "", "C."]
    assert not any(d.compared or d.highlights or d.folded for d in displays)


def test_the_pair_gets_the_changed_words_and_the_others_none() -> None:
    answers = ["Paris is the capital.", "Lyon is the capital.", "Paris is the capital."]
    displays = column_displays(answers, pair=(0, 1))
    assert _marked(displays[0].text, displays[0].highlights) == ["Paris"]
    assert _marked(displays[1].text, displays[1].highlights) == ["Lyon"]
    assert displays[0].compared
    assert displays[1].compared
    assert not displays[2].compared
    assert displays[2].highlights == ()


def test_a_pair_with_a_column_still_running_marks_nothing() -> None:
    displays = column_displays(["Paris.", None], pair=(0, 1))
    assert not any(d.compared for d in displays)
    assert column_displays(["a", "b"], pair=(1, 1))[1].highlights == ()


def test_different_only_folds_shared_paragraphs_and_counts_them() -> None:
    answers = ["Intro.\n\nParis.\n\nBye.", "Intro.\n\nLyon.\n\nBye.", None]
    displays = column_displays(answers, different_only=True, pair=(0, 1))
    assert [d.text for d in displays[:2]] == ["Paris.", "Lyon."]
    assert [d.folded for d in displays] == [2, 2, 0]
    assert _marked(displays[1].text, displays[1].highlights) == ["Lyon"]


def test_different_only_needs_two_answers_to_compare() -> None:
    displays = column_displays(["Intro.\n\nParis.", None], different_only=True)
    assert displays[0].text == "Intro.\n\nParis."
    assert displays[0].folded == 0


def test_utf16_ranges_count_astral_characters_twice() -> None:
    text = "😀 a 😀😀 b"
    ranges = ((2, 1), (7, 1))
    assert _marked(text, ranges) == ["a", "b"]
    assert utf16_ranges(text, ranges) == [(3, 1), (10, 1)]
    assert utf16_ranges("plain", [(1, 2)]) == [(1, 2)]
    assert utf16_ranges("é😀x", [(1, 2)]) == [(1, 3)]


def test_a_huge_answer_is_shown_only_as_far_as_anyone_reads() -> None:
    huge = "word " * (MAX_SHOWN_CHARS // 5 + 10)
    displays = column_displays([huge, "short"], pair=(0, 1))
    assert len(displays[0].text) == MAX_SHOWN_CHARS
    assert displays[0].cut
    assert not displays[1].cut
    assert displays[0].compared
