"""Exports read back by the tools people use: csv, json, an HTML parser; and they stream."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import tracemalloc
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.workbench.evaluate.export import (
    export_evaluation,
    export_format_for,
    variable_columns,
    write_csv,
    write_html,
    write_jsonl,
)
from zerogpu_desktop.workbench.evaluate.types import (
    Case,
    CellKey,
    CellResult,
    CellStatus,
    CheckOutcome,
    EvaluationInfo,
    EvaluationState,
)

MODELS = ("alpha-8b", "beta-70b")
HOSTILE = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"
TRICKY = "=cmd|' /C calc'!A0 ☃ 👩‍💻 tab\there \x00nul \x1b[2J esc\r\nCRLF \u2028sep \x85nel"
FORMULAS = ["=1+1", "+x", "-x", "@SUM(A1)", "\tx", "\rx", "'quoted"]


def make_info(**changes: object) -> EvaluationInfo:
    values: dict[str, object] = {
        "id": 12,
        "created": 1_760_000_000.0,
        "title": "Capitals <b>quiz</b>",
        "system_prompt": "Answer in {{style}}.",
        "user_prompt": "Capital of {{country}}?",
        "response_format": "text",
        "prompt_fingerprint": "f" * 64,
        "prompt_version": 3,
        "dataset_name": "capitals.csv",
        "dataset_fingerprint": "d" * 64,
        "models": MODELS,
        "repeat": 1,
        "state": EvaluationState.FINISHED,
    }
    values.update(changes)
    return EvaluationInfo(**values)  # type: ignore[arg-type]


CASES = (
    Case(
        0,
        {"country": "France", "model": "shadows a column"},
        ("icontains:paris",),
        "Capital of France",
    ),
    Case(1, {"country": HOSTILE, "model": '=HYPERLINK("http://evil")'}, ("not-icontains:script",)),
    Case(2, {"country": TRICKY, "model": ""}, ("icontains:x",), description="@tricky"),
)


def cell(
    case: int,
    model: int,
    status: CellStatus = CellStatus.PASSED,
    answer: str = "Paris",
    **extra: object,
) -> CellResult:
    passed = status is CellStatus.PASSED
    reason = (
        ""
        if passed
        else ("Server said no." if status is CellStatus.ERROR else 'Does not contain "x".')
    )
    checks = (
        ()
        if status is CellStatus.ERROR
        else (
            CheckOutcome("icontains:paris", True),
            CheckOutcome("icontains:x", passed, "" if passed else 'Does not contain "x".'),
        )
    )
    values: dict[str, object] = {
        "reason": reason,
        "checks": checks,
        "input_tokens": 12,
        "output_tokens": 5,
        "total_tokens": 17,
        "latency_seconds": 1.2345,
        "run_id": 100 * case + model,
    }
    values.update(extra)
    return CellResult(CellKey(case, model), MODELS[model], status, answer, **values)  # type: ignore[arg-type]


RESULTS = (
    cell(0, 0),
    cell(
        0, 1, truncation_status=TruncationStatus.POSSIBLY_TRUNCATED, truncation_note="May be cut."
    ),
    cell(1, 0, CellStatus.FAILED, HOSTILE),
    cell(
        1,
        1,
        CellStatus.ERROR,
        "",
        input_tokens=None,
        output_tokens=None,
        total_tokens=None,
        latency_seconds=None,
        run_id=None,
    ),
    cell(2, 0, CellStatus.FAILED, TRICKY),
    cell(2, 1, answer="Line one\nLine two"),
)


def csv_rows(
    results: tuple[CellResult, ...] = RESULTS, cases: tuple[Case, ...] = CASES
) -> list[list[str]]:
    buffer = io.StringIO(newline="")
    assert write_csv(buffer, make_info(), cases, iter(results)) == len(results)
    return list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))


def unquote(text: str) -> str:
    """What a reader does to get the text back: one leading quote is always the export's."""
    return text[1:] if text.startswith("'") else text


# --- formats --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.csv", "csv"),
        ("B.CSV", "csv"),
        ("run.jsonl", "jsonl"),
        ("r.html", "html"),
        ("r.HTM", "html"),
    ],
)
def test_the_extension_names_the_format(name: str, expected: str) -> None:
    assert export_format_for(Path("/tmp") / name) == expected


@pytest.mark.parametrize("name", ["results.txt", "results", "results.json", "csv"])
def test_another_extension_is_refused_in_a_sentence_naming_the_three(name: str) -> None:
    with pytest.raises(ValueError, match=r"end it in \.csv, \.jsonl or \.html\.$"):
        export_format_for(Path(name))


def test_a_variable_named_like_a_fixed_column_is_prefixed() -> None:
    assert variable_columns(CASES) == {"country": "country", "model": "var.model"}
    clash = (Case(0, {"case": "1", "var.case": "2", "answer": "3"}),)
    assert variable_columns(clash) == {
        "case": "var.case",
        "var.case": "var.var.case",
        "answer": "var.answer",
    }


# --- CSV ------------------------------------------------------------------------------------


def test_csv_header_and_rows_read_back_exactly() -> None:
    header, *rows = csv_rows()
    assert header == [
        "case",
        "description",
        "country",
        "var.model",
        "model",
        "repeat",
        "status",
        "reason",
        "answer",
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "latency_ms",
        "truncation",
        "checks",
        "run_id",
    ]
    assert len(rows) == len(RESULTS)
    first = dict(zip(header, rows[0], strict=True))
    assert first == {
        "case": "1",
        "description": "Capital of France",
        "country": "France",
        "var.model": "shadows a column",
        "model": "alpha-8b",
        "repeat": "1",
        "status": "passed",
        "reason": "",
        "answer": "Paris",
        "input_tokens": "12",
        "output_tokens": "5",
        "total_tokens": "17",
        "latency_ms": "1234",
        "truncation": "",
        "checks": "icontains:paris ✓\nicontains:x ✓",
        "run_id": "0",
    }
    error = dict(zip(header, rows[3], strict=True))
    assert (error["status"], error["reason"], error["answer"]) == ("error", "Server said no.", "")
    assert [error[k] for k in ("input_tokens", "latency_ms", "checks", "run_id")] == [
        "",
        "",
        "",
        "",
    ]
    assert dict(zip(header, rows[1], strict=True))["truncation"] == "possibly_truncated"
    tricky = dict(zip(header, rows[4], strict=True))
    assert unquote(tricky["answer"]) == TRICKY
    assert unquote(tricky["country"]) == TRICKY
    assert unquote(tricky["description"]) == "@tricky"
    assert tricky["checks"] == 'icontains:paris ✓\nicontains:x ✗ Does not contain "x".'
    assert dict(zip(header, rows[5], strict=True))["answer"] == "Line one\nLine two"


def test_csv_uses_crlf_line_ends_and_no_bom() -> None:
    buffer = io.StringIO(newline="")
    write_csv(buffer, make_info(), CASES, [cell(0, 0)])
    text = buffer.getvalue()
    assert text.startswith("case,description,")
    assert text.endswith("\r\n")
    assert text.count("\r\n") == 2  # the header and the row
    assert '"icontains:paris ✓\nicontains:x ✓"' in text  # a line break inside a cell is quoted
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_cell_that_could_be_a_formula_gets_a_quote_and_reads_back(formula: str) -> None:
    case = Case(0, {"country": formula}, (), description=formula)
    header, row = csv_rows((cell(0, 0, answer=formula, reason=formula),), (case,))
    values = dict(zip(header, row, strict=True))
    for column in ("description", "country", "answer"):
        assert values[column] == "'" + formula
        assert unquote(values[column]) == formula


def test_text_that_is_no_formula_is_left_alone_and_numbers_are_never_quoted() -> None:
    header, row = csv_rows((cell(0, 0, answer="1+1=2", input_tokens=0),), (Case(0, {"x": "a-b"}),))
    values = dict(zip(header, row, strict=True))
    assert (values["answer"], values["x"], values["input_tokens"]) == ("1+1=2", "a-b", "0")


def test_a_variable_name_that_could_be_a_formula_is_quoted_in_the_header() -> None:
    header, _row = csv_rows((cell(0, 0),), (Case(0, {"=evil": "v"}),))
    assert "'=evil" in header


# --- JSONL ----------------------------------------------------------------------------------


def jsonl_lines(results: tuple[CellResult, ...] = RESULTS) -> list[str]:
    buffer = io.StringIO()
    assert write_jsonl(buffer, make_info(state=EvaluationState.BUDGET), CASES, results) == len(
        results
    )
    text = buffer.getvalue()
    assert text.endswith("\n")
    return text.splitlines()  # splits on U+2028 and NEL too: the export must escape them


def test_jsonl_starts_with_the_evaluation_and_then_one_object_per_result() -> None:
    head, *rows = (json.loads(line) for line in jsonl_lines())
    assert head == {
        "evaluation": {
            "id": 12,
            "created": 1_760_000_000.0,
            "title": "Capitals <b>quiz</b>",
            "system_prompt": "Answer in {{style}}.",
            "user_prompt": "Capital of {{country}}?",
            "response_format": "text",
            "prompt_fingerprint": "f" * 64,
            "prompt_version": 3,
            "dataset_name": "capitals.csv",
            "dataset_fingerprint": "d" * 64,
            "models": list(MODELS),
            "repeat": 1,
            "state": "budget",
            "variables": {"country": "country", "model": "var.model"},
        }
    }
    assert len(rows) == len(RESULTS)
    assert list(rows[0]) == [
        "case",
        "description",
        "country",
        "var.model",
        "model",
        "repeat",
        "status",
        "reason",
        "answer",
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "latency_ms",
        "truncation",
        "checks",
        "run_id",
    ]
    assert rows[0]["checks"] == [
        {"check": "icontains:paris", "passed": True, "reason": ""},
        {"check": "icontains:x", "passed": True, "reason": ""},
    ]
    assert (rows[0]["latency_ms"], rows[0]["total_tokens"], rows[0]["run_id"]) == (1234, 17, 0)
    error = rows[3]
    assert (error["status"], error["input_tokens"], error["latency_ms"], error["checks"]) == (
        "error",
        None,
        None,
        [],
    )


def test_jsonl_keeps_text_exact() -> None:
    rows = [json.loads(line) for line in jsonl_lines()[1:]]
    assert rows[2]["answer"] == HOSTILE
    assert rows[4]["answer"] == TRICKY  # controls, CRLF, =cmd, emoji, U+2028 and NEL intact
    assert rows[4]["country"] == TRICKY
    assert rows[4]["description"] == "@tricky"  # no spreadsheet quoting in JSON
    assert rows[2]["var.model"] == '=HYPERLINK("http://evil")'


def test_lone_surrogates_become_the_replacement_character_in_every_format(tmp_path: Path) -> None:
    broken = (cell(0, 0, answer="half \ud800 pair", reason="bad \udfff"),)
    for name in ("out.csv", "out.jsonl", "out.html"):
        assert export_evaluation(tmp_path / name, make_info(title="t\ud83d"), CASES, broken) == 1
        text = (tmp_path / name).read_text(encoding="utf-8")  # strict: valid UTF-8
        assert "half \ufffd pair" in text
    row = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[1])
    assert (row["answer"], row["reason"]) == ("half \ufffd pair", "bad \ufffd")


# --- HTML -----------------------------------------------------------------------------------


class Page(HTMLParser):
    """Every tag, attribute and piece of text, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.metas: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.rows = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag == "meta":
            self.metas.append(dict(attrs))
        if tag == "tr":
            self.rows += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def render(results: tuple[CellResult, ...] = RESULTS, **info: object) -> tuple[str, Page]:
    buffer = io.StringIO()
    assert write_html(buffer, make_info(**info), CASES, iter(results)) == len(results)
    page = Page()
    page.feed(buffer.getvalue())
    page.close()
    return buffer.getvalue(), page


def test_the_html_report_runs_and_fetches_nothing() -> None:
    source, page = render()
    assert not {"script", "img", "iframe", "object", "embed", "link", "form", "base"} & set(
        page.tags
    )
    assert not [name for name, _ in page.attrs if name.startswith("on")]
    assert not [name for name, _ in page.attrs if name in {"src", "href", "srcset", "action"}]
    assert "http://" not in source.replace("http://evil", "")
    assert "https://" not in source
    csp = [
        m for m in page.metas if (m.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert csp == [
        {
            "http-equiv": "Content-Security-Policy",
            "content": "default-src 'none'; style-src 'unsafe-inline'",
        }
    ]
    assert source.index("Content-Security-Policy") < source.index("<style>")


def test_hostile_text_is_shown_as_text() -> None:
    _source, page = render()
    text = "".join(page.text)
    assert HOSTILE in text  # the answer, and the dataset value, as visible characters
    assert text.count("<script>alert(1)</script>") >= 2
    assert "Capitals <b>quiz</b>" in text
    assert "\\x1b[2J" in text  # controls shown as escapes
    assert "\x1b" not in text
    assert "\\x00nul" in text
    assert "👩‍💻" in text


def test_the_report_shows_the_evaluation_the_summary_and_one_row_per_case() -> None:
    _source, page = render()
    text = " ".join(" ".join(page.text).split())
    for expected in (
        "capitals.csv",
        "alpha-8b",
        "beta-70b",
        "Finished",
        "Answer in {{style}}.",
        "Capital of {{country}}?",
        "Capital of France",
        "Pass rate",
        "Median latency",
    ):
        assert expected in text
    assert page.rows == 1 + len(MODELS) + 1 + len(CASES)  # summary head + models, grid head + cases
    for words in ("✓ Passed", "✗ Failed", "! Error", "Server said no.", 'Does not contain "x".'):
        assert words in text
    assert "Input possibly truncated: May be cut." in text
    assert "17 tokens · 1.2 s" in text
    assert "cut at 2,000 characters in this report" in text
    assert "6 results." in text


def test_summary_numbers_per_model() -> None:
    source, _page = render()
    summary = source[source.index('<table class="summary">') : source.index("</table>")]
    # alpha: 1 of 3 passed, 2 failed; beta: 2 of 3 passed (one possibly truncated), 1 error.
    assert "<td>33%</td>" not in summary  # the rate comes with its bar
    assert (
        '<span style="width:33%"></span></span>33%</td><td>1</td><td>2</td><td>0</td><td>3</td>'
        in summary
    )
    assert (
        '<span style="width:67%"></span></span>67%</td><td>2</td><td>0</td><td>1</td><td>3</td>'
        in summary
    )


def test_long_answers_are_cut_in_the_report_only(tmp_path: Path) -> None:
    long_answer = "\n".join(f"line {n:05d} " + "y" * 40 for n in range(200))
    results = (cell(0, 0, answer=long_answer),)
    _source, page = render(results)
    text = "".join(page.text)
    assert "line 00000" in text
    assert "line 00150" not in text
    assert long_answer[:2000] + "…" in text
    export_evaluation(tmp_path / "full.jsonl", make_info(), CASES, results)
    row = json.loads((tmp_path / "full.jsonl").read_text(encoding="utf-8").splitlines()[1])
    assert row["answer"] == long_answer


def test_repeats_show_agreement_and_distinct_answers() -> None:
    repeats = tuple(
        CellResult(CellKey(0, 0, repeat), MODELS[0], CellStatus.PASSED, answer)
        for repeat, answer in enumerate(["a", "a", "b"])
    )
    _source, page = render(repeats, repeat=3)
    text = " ".join(" ".join(page.text).split())
    assert "3 repeats · 67% agree · 2 distinct answers" in text


def test_cases_without_results_are_shown_as_not_run() -> None:
    _source, page = render((cell(1, 0),), state=EvaluationState.CANCELLED)
    text = " ".join(" ".join(page.text).split())
    assert page.rows == 1 + len(MODELS) + 1 + len(CASES)
    assert text.count("Not run") == 2 * len(CASES) - 1
    assert "Cancelled" in text


# --- writing files --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.csv", "out.jsonl", "out.html"])
def test_export_writes_the_whole_file_as_an_ordinary_document(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    assert export_evaluation(path, make_info(), CASES, iter(RESULTS)) == len(RESULTS)
    text = path.read_text(encoding="utf-8")
    if name.endswith(".csv"):
        assert len(list(csv.reader(io.StringIO(text, newline="")))) == 1 + len(RESULTS)
    elif name.endswith(".jsonl"):
        assert len([json.loads(line) for line in text.splitlines()]) == 1 + len(RESULTS)
    else:
        assert text.rstrip().endswith("</html>")
    assert [p.name for p in tmp_path.iterdir()] == [name]
    if os.name == "posix":
        umask = os.umask(0o022)
        os.umask(umask)
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_a_failed_export_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old", encoding="utf-8")

    def breaks_halfway() -> Iterator[CellResult]:
        yield RESULTS[0]
        raise OSError("the store went away")

    with pytest.raises(OSError, match="went away"):
        export_evaluation(path, make_info(), CASES, breaks_halfway())
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_an_unknown_extension_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="csv"):
        export_evaluation(tmp_path / "out.xlsx", make_info(), CASES, RESULTS)
    assert list(tmp_path.iterdir()) == []


class Sink(io.TextIOBase):
    """A file that forgets what it is given, counting it."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def results_with_answers(count: int, answer_chars: int) -> Iterator[CellResult]:
    """Two models, two repeats per case, each answer made as it is asked for."""
    for number in range(count):
        case, model, repeat = number // 4, number // 2 % 2, number % 2
        answer = f"{case}/{model}/{repeat} " + "é" * answer_chars
        key = CellKey(case, model, repeat)
        yield CellResult(key, MODELS[model], CellStatus.PASSED, answer, total_tokens=9)


WRITERS = [write_csv, write_jsonl, write_html]


@pytest.mark.parametrize("writer", WRITERS)
def test_ten_thousand_results_of_two_kilobytes_stream_through(writer: object) -> None:
    cases = tuple(Case(index, {"question": f"Question {index}"}) for index in range(2_500))
    sink = Sink()
    count = writer(sink, make_info(repeat=2), cases, results_with_answers(10_000, 2_000))  # type: ignore[operator]
    assert count == 10_000
    shown = 10_000 if writer is not write_html else 5_000  # the report shows one of equal repeats
    assert sink.chars > shown * 2_000


@pytest.mark.parametrize("writer", WRITERS)
def test_memory_does_not_grow_with_the_results(writer: object) -> None:
    """10 MB of answers pass through; holding them (or the output) would pass the bound."""
    cases = tuple(Case(index, {"question": f"Question {index}"}) for index in range(100))
    sink = Sink()
    tracemalloc.start()
    try:
        count = writer(sink, make_info(repeat=2), cases, results_with_answers(400, 25_000))  # type: ignore[operator]
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 400
    assert peak < 6_000_000
