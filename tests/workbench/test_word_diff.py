"""The word diff marks exactly the words that changed, and stays bounded on huge texts."""

from __future__ import annotations

import time

from zerogpu_desktop.workbench.word_diff import (
    MAX_LINES,
    MAX_WORDS,
    different_paragraphs,
    paragraphs,
    word_diff,
)


def _marked(text: str, ranges: tuple[tuple[int, int], ...]) -> list[str]:
    return [text[start : start + length] for start, length in ranges]


def test_only_the_changed_words_are_marked_on_each_side() -> None:
    old = "The capital of France is Paris."
    new = "The capital of France is Lyon, I think."
    diff = word_diff(old, new)
    assert _marked(old, diff.old_ranges) == ["Paris"]
    assert _marked(new, diff.new_ranges) == ["Lyon, I think"]
    assert "".join(s.text for s in diff.spans if s.kind != "added") == old
    assert "".join(s.text for s in diff.spans if s.kind != "removed") == new


def test_identical_texts_and_space_only_changes_mark_nothing() -> None:
    assert word_diff("same words", "same words").identical
    diff = word_diff("one two\nthree", "one  two three")
    assert diff.identical
    assert "".join(span.text for span in diff.spans) == "one  two three"


def test_frequent_words_are_matched_not_skipped_as_junk() -> None:
    old = " ".join(["the"] * 300 + ["cat"])
    new = " ".join(["the"] * 300 + ["dog"])
    diff = word_diff(old, new)
    assert _marked(old, diff.old_ranges) == ["cat"]
    assert _marked(new, diff.new_ranges) == ["dog"]


def test_unicode_words_are_whole_words() -> None:
    diff = word_diff("Größe: klein", "Größe: groß")
    assert _marked("Größe: groß", diff.new_ranges) == ["groß"]


def test_long_texts_diff_only_the_changed_lines() -> None:
    line = "word " * 50 + "\n"
    old = line * 2_000 + "the old ending\n"
    new = line * 2_000 + "an added line\n" + "the new ending\n"
    started = time.monotonic()
    diff = word_diff(old, new)
    assert time.monotonic() - started < 1.0
    assert not diff.by_lines
    assert _marked(old, diff.old_ranges) == ["old"]
    assert _marked(new, diff.new_ranges) == ["an added line", "new"]


def test_a_huge_changed_paragraph_is_marked_whole_and_quickly() -> None:
    vocabulary = ["alpha", "beta", "gamma", "the", "of"]
    old = " ".join(vocabulary[i % 5] for i in range(MAX_WORDS * 3))
    new = " ".join(vocabulary[(i * 7) % 5] for i in range(MAX_WORDS * 3))
    started = time.monotonic()
    diff = word_diff(old, new)
    assert time.monotonic() - started < 1.0
    assert diff.by_lines
    assert _marked(new, diff.new_ranges) == [new]


def test_a_passed_deadline_marks_changed_lines_whole() -> None:
    diff = word_diff("a b\nc d\n", "a x\nc d\n", deadline=time.monotonic() - 1)
    assert diff.by_lines
    assert _marked("a b\nc d\n", diff.old_ranges) == ["a b"]
    assert _marked("a x\nc d\n", diff.new_ranges) == ["a x"]


def test_paragraphs_are_split_on_blank_lines() -> None:
    text = "First one.\nstill first.\n\n  \nSecond.\n\nThird."
    assert [text[a:b] for a, b in paragraphs(text)] == [
        "First one.\nstill first.",
        "Second.",
        "Third.",
    ]
    assert paragraphs("") == []


def test_different_paragraphs_keeps_only_what_tells_the_texts_apart() -> None:
    left = "Intro.\n\nParis is the capital.\n\nBye."
    right = "Intro.\n\nLyon is the capital.\n\nBye."
    third = "Intro.\n\nParis is  the capital.\n\nBye."
    assert different_paragraphs([left, right, third]) == [
        [False, True, False],
        [False, True, False],
        [False, True, False],
    ]
    assert different_paragraphs([left, third]) == [[False, False, False]] * 2


def _paragraphs(count: int, changed_every: int) -> tuple[str, str]:
    old = "\n\n".join(f"Paragraph {i} is about topic {i % 7}." for i in range(count))
    new = "\n\n".join(
        f"Paragraph {i} is about topic {i % 7}." if i % changed_every else f"Paragraph {i} is new."
        for i in range(count)
    )
    return old, new


def test_many_paragraphs_apart_by_blank_lines_diff_quickly() -> None:
    old, new = _paragraphs(2_000, 10)
    started = time.monotonic()
    diff = word_diff(old, new, deadline=time.monotonic() + 0.2)
    assert time.monotonic() - started < 1.0
    assert len(diff.new_ranges) == 200


def test_beyond_max_lines_only_the_middle_between_shared_ends_is_marked() -> None:
    shared = "".join(f"line {i}\n" for i in range(MAX_LINES))
    old = shared + "the old middle\n" + shared
    new = shared + "the new middle\n" + shared
    started = time.monotonic()
    diff = word_diff(old, new)
    assert time.monotonic() - started < 1.0
    assert diff.by_lines
    assert _marked(new, diff.new_ranges) == ["the new middle"]
    few = "\n".join("x" * (i % 3) for i in range(MAX_LINES * 6))
    started = time.monotonic()
    word_diff(few, few[::-1])
    assert time.monotonic() - started < 1.0
