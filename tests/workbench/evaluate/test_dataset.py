"""Datasets: CSV, TSV, JSONL and JSON read as promptfoo writes them, every refusal one sentence
naming file, row and column, and every bound holding against a hostile file."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from zerogpu_desktop.workbench.evaluate import dataset as dataset_module
from zerogpu_desktop.workbench.evaluate.dataset import (
    check_against_prompt,
    load_dataset,
    parse_dataset,
)
from zerogpu_desktop.workbench.evaluate.types import Dataset, DatasetError

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


def parse(content: str | bytes, name: str = "cases.csv") -> Dataset:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return parse_dataset(data, name)


def refusal(content: str | bytes, name: str = "cases.csv") -> str:
    with pytest.raises(DatasetError) as caught:
        parse(content, name)
    return str(caught.value)


def jsonl(*rows: object) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def test_csv_reads_variables_checks_and_reserved_columns() -> None:
    data = (
        "country,__expected,__expected1,__description,__prefix,__suffix,__allow_truncation\n"
        "France,icontains:paris,,capital,Q: ,?,Yes\n"
        'Japan,"regex:^To.*o$",not-icontains:kyoto,,,,\n'
    )
    dataset = parse(data, "capitals.csv")

    assert dataset.name == "capitals.csv"
    assert dataset.fingerprint == hashlib.sha256(data.encode()).hexdigest()
    assert dataset.columns == ("country",)
    first, second = dataset.cases
    assert (first.index, first.line, dict(first.variables)) == (0, 2, {"country": "France"})
    assert first.checks == ("icontains:paris",)  # an empty cell is no check
    assert (first.description, first.prefix, first.suffix) == ("capital", "Q: ", "?")
    assert first.allow_truncation is True
    assert (second.index, second.line) == (1, 3)
    assert second.checks == ("regex:^To.*o$", "not-icontains:kyoto")
    assert second.allow_truncation is False


def test_quoted_multiline_values_blank_lines_and_crlf_keep_line_numbers() -> None:
    data = 'topic,note\r\n\r\n"one","first\r\nsecond"\r\n\r\ntwo,"a, b"\r\n'
    dataset = parse(data)

    assert [case.line for case in dataset.cases] == [3, 6]
    assert dataset.cases[0].variables["note"] == "first\r\nsecond"
    assert dataset.cases[1].variables["note"] == "a, b"


def test_a_utf8_bom_is_not_part_of_the_first_column_name() -> None:
    dataset = parse(b"\xef\xbb\xbfcountry,__expected\nFrance,icontains:paris\n")

    assert dataset.columns == ("country",)
    assert dataset.cases[0].checks == ("icontains:paris",)


def test_tabs_are_sniffed_from_the_header_and_forced_by_tsv() -> None:
    sniffed = parse("country\tnote\nKorea\tSeoul, mostly\n")
    assert dict(sniffed.cases[0].variables) == {"country": "Korea", "note": "Seoul, mostly"}

    forced = parse("country\nKorea, Republic of\n", "countries.tsv")
    assert forced.cases[0].variables["country"] == "Korea, Republic of"
    # The same file as CSV splits at the comma: one value too many.
    assert "row 1 (line 2) has 2 values" in refusal("country\nKorea, Republic of\n")


def test_a_comma_inside_a_quoted_header_name_does_not_make_it_comma_separated() -> None:
    # Tab-separated, so the quoted name is one column, which is then refused as a name.
    assert 'column "a,b" that cannot be a {{variable}} name' in refusal('"a,b"\tc\n1\t2\n')


def test_a_short_row_is_padded_with_empty_values() -> None:
    dataset = parse("a,b,__expected\n1\n")

    assert dict(dataset.cases[0].variables) == {"a": "1", "b": ""}
    assert dataset.cases[0].checks == ()


def test_jsonl_converts_values_as_json_spells_them() -> None:
    content = (
        '{"n": 3, "big": 123456789012345678901234567890123456789012345678901234567890, '
        '"x": 1.5, "ok": true, "no": false, "none": null, "s": "text"}\n'
        "\n"
        '{"n": -2, "extra": "later"}\n'
    )
    dataset = parse(content, "rows.jsonl")

    first, second = dataset.cases
    big = "123456789012345678901234567890123456789012345678901234567890"
    assert dict(first.variables) == dict(
        n="3", big=big, x="1.5", ok="true", no="false", none="", s="text"
    )
    assert all(type(value) is str for value in first.variables.values())
    assert dataset.columns == ("n", "big", "x", "ok", "no", "none", "s", "extra")
    assert (first.line, second.line) == (1, 3)
    assert dict(second.variables) == {"n": "-2", "extra": "later"}


def test_a_json_array_counts_elements_and_takes_a_list_of_checks() -> None:
    content = json.dumps(
        [
            {"country": "France", "__expected": ["icontains:paris", "not-icontains:lyon"]},
            {"country": "Japan", "__expected": "icontains:tokyo", "__allow_truncation": True},
        ]
    )
    dataset = parse(content, "rows.json")

    assert [case.line for case in dataset.cases] == [1, 2]
    assert dataset.cases[0].checks == ("icontains:paris", "not-icontains:lyon")
    assert dataset.cases[1].checks == ("icontains:tokyo",)
    assert dataset.cases[1].allow_truncation is True


@pytest.mark.parametrize(
    ("content", "expected_columns"),
    [
        ('  [{"a": "1"}]', ("a",)),  # a JSON array
        ('{"b": "1"}\n{"b": "2"}\n', ("b",)),  # JSON Lines
        ("c,d\n1,2\n", ("c", "d")),  # anything else is CSV
    ],
)
def test_an_unknown_extension_is_sniffed(content: str, expected_columns: tuple[str, ...]) -> None:
    assert parse(content, "cases.txt").columns == expected_columns


def test_an_explicit_format_wins_over_the_extension() -> None:
    assert parse_dataset(b'{"a": "1"}\n', "export.csv", fmt="jsonl").columns == ("a",)


def test_the_fingerprint_follows_every_byte() -> None:
    assert parse("a\nx\n").fingerprint == parse("a\nx\n").fingerprint != parse("a\ny\n").fingerprint


UNSUPPORTED = (
    'capitals.csv uses columns ZeroGPU Desktop does not support: "__threshold", "__metric". '
    'Remove them, or rename them without the leading "__" to use them as variables.'
)


@pytest.mark.parametrize(
    ("content", "name", "fragments"),
    [
        # Header problems.
        ("country,__threshold,__metric\nFrance,0.5,m\n", "capitals.csv", [UNSUPPORTED]),
        ("a,__metadata:source\n1,x\n", "c.csv", ["a column ZeroGPU", '"__metadata:source"']),
        ("a,__vars,__foo,__Expected\n1,2,3,4\n", "c.csv", ['"__vars", "__foo", "__Expected"']),
        ("first name\nAda\n", "c.csv", ['c.csv has a column "first name"', "Rename it"]),
        ("a,city,b,c,city\n1,2,3,4,5\n", "c.csv", ['"city" appears twice (columns 2 and 5)']),
        ("a,,b\n1,2,3\n", "c.csv", ["c.csv: column 2 has no name", "Name it"]),
        ("country,__expected\n", "c.csv", ["c.csv has no data rows", "Add at least one row"]),
        ("\n\n", "c.csv", ["c.csv is empty", "Add a header row"]),
        (b"country\nFran\xe7e\n", "c.csv", ["c.csv is not UTF-8", "offset 12", "line 2", "Save"]),
        # Row problems, named by row, line and column.
        (
            "country,__expected\nFrance,icontains:paris\nJapan,llm-rubric:is it tokyo\n",
            "capitals.csv",
            ['capitals.csv, row 2 (line 3), column "__expected": the "llm-rubric" check is not'],
        ),
        ("a,__expected,__expected1\n1,,regex:(\n", "c.csv", ['1 (line 2), column "__expected1": ']),
        ("a,b\n1,2\n3,4,5\n", "c.csv", ["c.csv, row 2 (line 3) has 3 values, 1 more than"]),
        ("a,__allow_truncation\n1,maybe\n", "c.csv", ['"__allow_truncation": "maybe" is not true']),
        ('a,b\n1,"never closed\n', "c.csv", ["c.csv, row 1 (line 2)", "never closed", "quote"]),
        ('a,b\n1,"x"y\n', "c.csv", ["c.csv, row 1 (line 2) has a misplaced quote", '""']),
        # JSON problems.
        (jsonl({"a": "1"}, {"a": {"b": 1}}), "r.jsonl", ['r.jsonl, row 2, column "a"', "nested"]),
        ("\n" + jsonl({"tags": [1, 2]}), "r.jsonl", ['row 1 (line 2), column "tags" holds a list']),
        ('[{"__expected": ["icontains:a", 3]}]', "r.json", ['"__expected" holds a list with an']),
        ('{"a": "1"}\n{"a": \n', "r.jsonl", ["r.jsonl, row 2 is not valid JSON", "per line"]),
        ('[{"a": "1"},]', "r.json", ["r.json is not valid JSON", "at column 13"]),
        ('{"a": "1"}', "r.json", ["r.json is not a JSON array of objects"]),
        ('[{"a": "1"}, "text"]', "r.json", ["r.json, row 2 is not a JSON object"]),
        ('{"a": "1", "a": "2"}\n', "r.jsonl", ['r.jsonl, row 1, column "a" appears twice']),
        ('[{"n": 1e400}]', "r.json", ['r.json, row 1, column "n" holds a number too large']),
        ('[{"n": NaN}]', "r.json", ['column "n" holds a number too large to use (or NaN)']),
        ('[{"": "x"}]', "r.json", ['r.json has a column with an empty name ("")']),
        ('[{"__threshold": 1}]', "r.json", ["r.json uses a column", '"__threshold"']),
        ("[]", "r.json", ["r.json has no data rows", "Add a row"]),
        ("\n \n", "r.jsonl", ["r.jsonl is empty", "one JSON object per line"]),
        ('[{"a": "1"}]\x00', "r.json", ["r.json cannot be used", "NUL"]),
    ],
)
def test_refusals_name_the_file_row_and_column(
    content: str | bytes, name: str, fragments: list[str]
) -> None:
    message = refusal(content, name)

    for fragment in fragments:
        assert fragment in message
    assert message.endswith(".")
    assert "\n" not in message


@pytest.mark.parametrize("name", ["deep.jsonl", "deep.json"])
def test_a_value_nested_100k_deep_is_refused_quickly(name: str) -> None:
    row = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    content = f"[{row}]" if name.endswith(".json") else row + "\n"

    started = time.monotonic()
    message = refusal(content, name)

    assert time.monotonic() - started < 5
    assert message.startswith(name)
    assert "nested more than" in message


def test_a_dataset_over_the_byte_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(dataset_module, "MAX_DATASET_BYTES", 64)
    path = tmp_path / "big.csv"
    path.write_text("a\n" + "x\n" * 40, encoding="utf-8")

    expected = "big.csv is larger than 64 bytes. Split it into smaller datasets."
    assert refusal(path.read_bytes(), "big.csv") == expected
    with pytest.raises(DatasetError, match=r"^big\.csv is larger than 64 bytes"):
        load_dataset(path)
    assert parse("a\nx\n", "big.csv").cases  # under the limit


SPLIT = " Split it into smaller datasets."


ROWS, COLUMNS, VALUES = (
    " has more than 3 rows.",
    " has more than 2 columns.",
    " has more than 5 values (rows × columns).",
)


@pytest.mark.parametrize(
    ("limit", "value", "name", "content", "expected"),
    [
        ("MAX_CASES", 3, "n.csv", "a\n1\n2\n3\n4\n", ROWS),
        ("MAX_CASES", 3, "n.jsonl", jsonl(*({"a": n} for n in range(4))), ROWS),
        ("MAX_CASES", 3, "n.json", json.dumps([{"a": n} for n in range(4)]), ROWS),
        ("MAX_COLUMNS", 2, "w.csv", "a,b,c\n1,2,3\n", COLUMNS),
        ("MAX_COLUMNS", 2, "w.json", '[{"a": 1}, {"b": 2, "c": 3}]', COLUMNS),
        ("MAX_CELLS", 5, "v.csv", "a,b\n1,2\n3,4\n5,6\n", VALUES),
        ("MAX_CELLS", 5, "v.jsonl", jsonl(*({"a": n, "b": n} for n in range(4))), VALUES),
        # The commas of a row's lines are counted before `csv` splits them, quoted or not.
        ("MAX_CELLS", 5, "r.csv", 'a\n"1\n,,,\n,,,"\n', ", row 1 (line 2) has over 5 commas."),
        ("MAX_CELLS", 2, "r.tsv", "a\n\t\t\t\n", ", row 1 (line 2) has over 2 tabs."),
    ],
)
def test_each_count_is_bounded_and_the_limit_named(
    monkeypatch: pytest.MonkeyPatch, limit: str, value: int, name: str, content: str, expected: str
) -> None:
    monkeypatch.setattr(dataset_module, limit, value)

    assert refusal(content, name) == name + expected + SPLIT


def test_the_comma_count_starts_again_with_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataset_module, "MAX_CELLS", 3)

    assert len(parse('a\n"1,2,3"\n"4,5,6"\n').cases) == 2


def test_a_row_of_millions_of_commas_is_refused_before_it_is_split() -> None:
    started = time.monotonic()
    message = refusal("a\n" + "," * 3_000_000 + "\n")

    assert time.monotonic() - started < 5
    assert message == "cases.csv, row 1 (line 2) has over 2,000,000 commas." + SPLIT


def test_a_check_repeated_on_many_rows_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = dataset_module.parse_check
    monkeypatch.setattr(
        dataset_module, "parse_check", lambda text: parsed.append(text) or real(text)
    )

    dataset = parse("a,__expected\n1,icontains:x\n2,icontains:x\n3,icontains:y\n")

    assert parsed == ["icontains:x", "icontains:y"]
    assert [case.checks for case in dataset.cases] == [("icontains:x",)] * 2 + [("icontains:y",)]


@pytest.mark.parametrize(
    ("name", "content"),
    [("long.csv", "a,b\nok,xxxxxxxxxxx\n"), ("long.jsonl", jsonl({"a": "ok", "b": "x" * 11}))],
)
def test_a_cell_over_the_length_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, content: str
) -> None:
    monkeypatch.setattr(dataset_module, "MAX_CELL_CHARS", 10)

    assert refusal(content, name).startswith(f"{name}, row 1{' (line 2)' * name.endswith('csv')}")
    assert 'column "b" holds more than 10 characters' in refusal(content, name)


def test_more_checks_than_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataset_module, "MAX_CHECKS_PER_CASE", 2)
    two = ["icontains:a", "icontains:b"]

    assert parse(json.dumps([{"__expected": two}]), "r.json").cases[0].checks == tuple(two)
    message = refusal(json.dumps([{"__expected": [*two, "icontains:c"]}]), "r.json")
    assert message == "r.json, row 1 has over 2 checks. Keep 2 or fewer per row."


def test_a_huge_csv_cell_is_refused_not_read_into_a_variable() -> None:
    cell = "x" * (dataset_module.MAX_CELL_CHARS + 1)
    message = refusal(f'a\n"{cell}"\n')

    assert message.startswith("cases.csv, row 1 (line 2) has a value over 1,048,576 characters")


def test_check_against_prompt_names_the_missing_column() -> None:
    dataset = parse("city\nParis\n", "capitals.csv")

    with pytest.raises(DatasetError) as caught:
        check_against_prompt(dataset, ["city", "country"])

    assert str(caught.value) == (
        'capitals.csv has no column "country", which the prompt uses as {{country}}. '
        "Add the column or change the prompt."
    )


def test_check_against_prompt_accepts_empty_values_and_names_a_row_missing_a_key() -> None:
    check_against_prompt(parse("city,country\nParis,\n"), ["country", "city"])
    dataset = parse(jsonl({"country": "France"}, {"city": "Tokyo"}), "rows.jsonl")

    with pytest.raises(DatasetError) as caught:
        check_against_prompt(dataset, ["country"])

    assert str(caught.value).startswith('rows.jsonl, row 2 has no value for "country"')
    check_against_prompt(dataset, [])


def test_load_dataset_names_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"^nothing\.csv cannot be read \(No such file"):
        load_dataset(tmp_path / "nothing.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(DatasetError, match=r"^folder\.csv cannot be read \(it is a folder"):
        load_dataset(tmp_path / "folder.csv")


def test_load_dataset_picks_the_format_by_extension(tmp_path: Path) -> None:
    (path := tmp_path / "rows.tsv").write_bytes(b"country\nKorea, Republic of\n")

    dataset = load_dataset(path)

    assert dataset.name == "rows.tsv"
    assert dataset.cases[0].variables["country"] == "Korea, Republic of"


def test_the_shipped_examples_load_and_hold_the_same_cases() -> None:
    from_csv = load_dataset(EXAMPLES / "capitals.csv")
    from_jsonl = load_dataset(EXAMPLES / "capitals.jsonl")

    def summary(dataset: Dataset) -> list[tuple[object, ...]]:
        return [(dict(c.variables), c.checks, c.description, c.line > 0) for c in dataset.cases]

    assert from_csv.columns == from_jsonl.columns == ("country",)
    assert 6 <= len(from_csv.cases) <= 10
    assert summary(from_csv) == summary(from_jsonl)
    assert any("\n" in case.description for case in from_csv.cases)
    assert any("," in case.variables["country"] for case in from_csv.cases)
    kinds = {check.split(":")[0] for case in from_csv.cases for check in case.checks}
    assert {"icontains", "not-icontains", "levenshtein(2)", "regex", "max-output-tokens"} <= kinds
    check_against_prompt(from_csv, ["country"])
