"""What a grid cell says and what the grid counts, without Qt: previews, merges, filters, words."""

from __future__ import annotations

import time

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.ui.evaluate_cells import (
    DIFFERENT,
    ERRORS,
    FAILURES,
    CellView,
    GridTally,
    answer_preview,
    case_line,
    cell_text,
    spoken_cell,
    summary_text,
)
from zerogpu_desktop.workbench.evaluate.types import Case, CellKey, CellResult, CellStatus


def result(
    case: int = 0,
    model: int = 0,
    repeat: int = 0,
    status: CellStatus = CellStatus.PASSED,
    answer: str = "Paris",
    **fields: object,
) -> CellResult:
    return CellResult(
        key=CellKey(case, model, repeat),
        model=f"m{model}",
        status=status,
        answer=answer,
        total_tokens=10,
        latency_seconds=0.5,
        **fields,  # type: ignore[arg-type]
    )


def test_the_preview_is_the_first_two_lines_and_costs_nothing_for_a_huge_answer() -> None:
    assert answer_preview("\n\n  First line  \n\nsecond\nthird") == "First line\nsecond"
    assert answer_preview("x" * 500).endswith("…")
    assert len(answer_preview("x" * 500)) == 160
    huge = "word " * 600_000
    started = time.perf_counter()
    assert answer_preview(huge).startswith("word word")
    assert time.perf_counter() - started < 0.05


def test_repeats_merge_once_each_and_the_worst_wins() -> None:
    first = CellView.of(result(repeat=0, answer="Paris"))
    second = CellView.of(result(repeat=1, status=CellStatus.FAILED, answer="Lyon", reason="no"))
    merged = first.merge(second)
    assert merged.status is CellStatus.FAILED
    assert (merged.repeat_count, merged.passed, merged.tokens) == (2, 1, 20)
    assert merged.preview == "Paris"  # the first repeat's answer
    assert merged.reason == "no"
    assert len(merged.answers) == 2
    assert merged.merge(second) is merged  # the same result twice counts once
    assert second.merge(first) == merged  # in any order
    assert cell_text(merged).splitlines()[0] == "✗ Failed · 1 of 2 repeats passed"
    assert "2 different answers" in cell_text(merged)


def test_a_cell_says_its_mark_word_answer_figures_and_truncation() -> None:
    cut = CellView.of(result(truncation_status=TruncationStatus.POSSIBLY_TRUNCATED))
    assert cell_text(cut) == "✓ Passed\nParis\n10 tok · 500 ms · Possibly truncated"
    failed = CellView.of(
        result(status=CellStatus.ERROR, answer="", reason="Rate limited: wait a minute.")
    )
    assert cell_text(failed).splitlines()[:2] == ["! Error", "Rate limited: wait a minute."]
    assert spoken_cell(failed, "m0").startswith("m0: Error. Rate limited: wait a minute.")
    assert cell_text(None) == "Not run yet"


def test_the_tally_sets_the_filter_bits_and_the_totals() -> None:
    tally = GridTally(cases=3, models=2)
    tally.add(result(0, 0, answer="Paris"))
    tally.add(result(0, 1, answer="paris!"))  # a different answer on the other model
    tally.add(result(1, 0, status=CellStatus.FAILED, answer="Lima"))
    tally.add(result(1, 1, answer="Lima"))
    tally.add(result(2, 0, status=CellStatus.ERROR, answer=""))
    assert tally.matching(FAILURES) == [1]
    assert tally.matching(ERRORS) == [2]
    assert tally.matching(DIFFERENT) == [0]
    assert tally.matching(0) == [0, 1, 2]
    totals = tally.totals(0)
    assert (totals.cases, totals.passed, totals.failed, totals.errors) == (3, 1, 1, 1)
    assert summary_text(totals).splitlines()[0] == "33% passed (1 of 3)"
    assert not tally.add(result(7, 0))  # a case the grid does not have


def test_a_failing_repeat_moves_its_case_from_passed_to_failed() -> None:
    tally = GridTally(cases=1, models=1)
    tally.add(result(repeat=0))
    assert tally.totals(0).passed == 1
    tally.add(result(repeat=1, status=CellStatus.FAILED))
    totals = tally.totals(0)
    assert (totals.cases, totals.passed, totals.failed, totals.tokens) == (1, 0, 1, 20)


def test_the_case_column_names_the_case_and_its_values_on_one_line() -> None:
    case = Case(2, {"country": "France", "note": "a\nlong\tvalue\x1b"}, description="")
    title, detail = case_line(case)
    assert title == "3. France"
    assert detail == "country: France, note: a long value\\x1b"
