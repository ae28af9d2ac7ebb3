"""Whatever a person types in the search box becomes a valid FTS5 query: no syntax, no errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zerogpu_desktop.storage.history.search import MAX_TERMS, fts_query
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord

ODD_INPUTS = [
    '"',
    '""',
    '"""',
    "*",
    "**",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "a AND",
    "OR b",
    "NOT NOT",
    "NEAR(a b)",
    "(",
    ")",
    "()",
    "a)",
    "{col}: x",
    "user_prompt: hello",
    "^start",
    "-minus",
    "+plus",
    "a:b:c",
    "\\",
    "'",
    "`",
    "%_",
    "\x00",
    "\t\n",
    "😀",
    "世界",
    "x" * 5000,
    " ".join(["word"] * 500),
    'unclosed "phrase with AND inside',
    '"a" "b" "c',
    "c++",
    "e-mail",
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path) as history:
        history.record(RunRecord("m", "sys", "and or not near word x-ray c++ e-mail 世界", "ok"))
        yield history


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("hello", '"hello"*'),
        ("hello world", '"hello" "world"*'),
        ("  spaced   out  ", '"spaced" "out"*'),
        ("AND OR", '"AND" "OR"*'),
        ('"exact phrase" more', '"exact phrase" "more"*'),
        ('more "exact phrase"', '"more" "exact phrase"'),
        ('"still typing a phr', '"still typing a phr"*'),
        ("x-ray", '"x-ray"*'),
        ("word*", '"word*"*'),
        ("t", '"t"'),
        ("find a", '"find" "a"'),
        ('"  inner   spaces "', '"inner spaces"'),
    ],
)
def test_queries_quote_every_term_and_prefix_the_last(text: str, query: str) -> None:
    assert fts_query(text) == query


@pytest.mark.parametrize("text", ["", "   ", '"', '""', "*", "-- **", "😀 ✨", "()"])
def test_text_without_letters_or_digits_means_no_search(text: str) -> None:
    assert fts_query(text) is None


def test_punctuation_only_terms_are_dropped_but_others_kept() -> None:
    assert fts_query("hello * -- world") == '"hello" "world"*'


def test_long_pastes_are_capped() -> None:
    query = fts_query(" ".join(f"w{n}" for n in range(100)))

    assert query is not None
    assert query.count('" "') == MAX_TERMS - 1


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_never_raises_in_the_store(store: HistoryStore, text: str) -> None:
    store.page(0, 50, text)
    store.count(text)


def test_operators_are_searched_as_words(store: HistoryStore) -> None:
    assert store.count("and or not near") == 1
    assert store.count("NOT word") == 1  # not "exclude word"
    assert store.count("x-ray") == 1
    assert store.count("世界") == 1


def test_search_without_terms_lists_everything(store: HistoryStore) -> None:
    store.record(RunRecord("m", "", "second", ""))

    assert store.count("*") == store.count() == 2
    assert len(store.page(0, 50, '"')) == 2
