"""An evaluation as a file other tools open: CSV for spreadsheets, JSONL for scripts, HTML to read.

Every writer streams: it takes the results as an iterable (sorted by case, model, repeat) and
writes each one as it comes, so an export of ten thousand long answers never holds them all.
One row per result; the columns are the same in CSV and JSONL:

``case`` (1-based), ``description``, one column per dataset variable (named as the variable;
``var.`` is put before a name that is already a fixed column), ``model``, ``repeat``
(1-based), ``status``, ``reason``, ``answer``, ``input_tokens``, ``output_tokens``,
``total_tokens``, ``latency_ms``, ``truncation``, ``checks``, ``run_id``. In CSV, a text cell
that starts like a formula (``=``, ``+``, ``-``, ``@``, tab, CR) or with ``'`` gets a leading
``'``: a spreadsheet runs nothing, and a reader that strips one leading ``'`` has the exact text.

Text is written exactly as it was, with one exception in every format: a lone surrogate (half
of a UTF-16 pair, which no UTF-8 file can hold) becomes U+FFFD, so the file is valid UTF-8 for
any program that reads it.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TextIO

from zerogpu_desktop.safe_text import replace_surrogates
from zerogpu_desktop.storage.atomic import atomic_write_stream
from zerogpu_desktop.workbench.evaluate.export_html import write_html
from zerogpu_desktop.workbench.evaluate.types import Case, CellResult, EvaluationInfo

__all__ = [
    "ExportFormat",
    "export_evaluation",
    "export_format_for",
    "variable_columns",
    "write_csv",
    "write_html",
    "write_jsonl",
]

ExportFormat = Literal["csv", "jsonl", "html"]

_FORMATS: dict[str, ExportFormat] = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".html": "html",
    ".htm": "html",
}

_LEADING_COLUMNS = ("case", "description")
_TRAILING_COLUMNS = (
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
)
_FIXED_COLUMNS = frozenset(_LEADING_COLUMNS + _TRAILING_COLUMNS)

#: What a spreadsheet may take for the start of a formula (OWASP's list), and the quote
#: itself: every cell that starts with a quote was given one, so a reader strips exactly one
#: and gets the text back.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")

#: Characters JSON leaves raw that some line splitters (``str.splitlines``, JavaScript before
#: ES2019) take for line ends; escaped so every JSONL line is one line for everyone.
_LINE_BREAKERS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def export_format_for(path: Path) -> ExportFormat:
    """The format a file name asks for, by its extension (any case).

    Raises:
        ValueError: The name ends in none of the three extensions.
    """
    found = _FORMATS.get(path.suffix.lower())
    if found is None:
        raise ValueError(
            f"The file name {path.name!r} does not say which format to write; "
            "end it in .csv, .jsonl or .html."
        )
    return found


def export_evaluation(
    path: Path, info: EvaluationInfo, cases: Sequence[Case], results: Iterable[CellResult]
) -> int:
    """Write the evaluation to ``path`` in the format its extension names.

    The file appears whole or not at all: rows are streamed to a temporary file beside it,
    which replaces ``path`` only once everything is on disk. The file is an ordinary document
    (the mode any new file gets), not one of the app's private files.

    Returns:
        How many results were written.

    Raises:
        ValueError: The extension names no format (nothing is written).
        OSError: The file could not be written; an existing file at ``path`` is untouched.
    """
    writer = _WRITERS[export_format_for(path)]
    return atomic_write_stream(
        path, lambda out: writer(out, info, cases, results), private=False, newline=""
    )


def variable_columns(cases: Sequence[Case]) -> dict[str, str]:
    """Each dataset variable (in order of first appearance) and the column it is written as."""
    columns: dict[str, str] = {}
    taken = set(_FIXED_COLUMNS)
    for case in cases:
        for name in case.variables:
            if name in columns:
                continue
            column = _text(name)
            while column in taken:
                column = f"var.{column}"
            columns[name] = column
            taken.add(column)
    return columns


def write_csv(
    out: TextIO, info: EvaluationInfo, cases: Sequence[Case], results: Iterable[CellResult]
) -> int:
    """Write a header and one row per result as RFC 4180 CSV (CRLF line ends, UTF-8, no BOM).

    ``out`` must be opened with ``newline=""`` so line breaks inside answers stay as they
    are. A text cell that a spreadsheet could run as a formula gets a leading ``'``.
    """
    del info  # the CSV is the rows only; JSONL and HTML carry the evaluation's details
    columns = variable_columns(cases)
    by_index = {case.index: case for case in cases}
    writer = csv.writer(out, lineterminator="\r\n")
    header = [*_LEADING_COLUMNS, *columns.values(), *_TRAILING_COLUMNS]
    writer.writerow([_cell(name) for name in header])
    rows = 0
    for result in results:
        row = _row(result, by_index.get(result.key.case_index), columns)
        row["checks"] = "\n".join(_check_line(outcome) for outcome in row["checks"])
        writer.writerow([_csv_value(row[name]) for name in header])
        rows += 1
    return rows


def write_jsonl(
    out: TextIO, info: EvaluationInfo, cases: Sequence[Case], results: Iterable[CellResult]
) -> int:
    """Write the evaluation's details on the first line, then one JSON object per result.

    The first line is ``{"evaluation": {...}}``: the fields of `EvaluationInfo`, the state as
    its word, and ``variables`` (each variable's name and the key it is written under).
    """
    columns = variable_columns(cases)
    by_index = {case.index: case for case in cases}
    out.write(_json_line({"evaluation": _info_object(info, columns)}))
    rows = 0
    for result in results:
        out.write(_json_line(_row(result, by_index.get(result.key.case_index), columns)))
        rows += 1
    return rows


def _info_object(info: EvaluationInfo, columns: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": info.id,
        "created": info.created if math.isfinite(info.created) else None,
        "title": _text(info.title),
        "system_prompt": _text(info.system_prompt),
        "user_prompt": _text(info.user_prompt),
        "response_format": _text(info.response_format),
        "prompt_fingerprint": _text(info.prompt_fingerprint),
        "prompt_version": info.prompt_version,
        "dataset_name": _text(info.dataset_name),
        "dataset_fingerprint": _text(info.dataset_fingerprint),
        "models": [_text(model) for model in info.models],
        "repeat": info.repeat,
        "state": info.state.value,
        "variables": {_text(name): _text(column) for name, column in columns.items()},
    }


def _row(result: CellResult, case: Case | None, columns: Mapping[str, str]) -> dict[str, Any]:
    """One result as plain values, in column order; a case not given has empty variables."""
    row: dict[str, Any] = {
        "case": result.key.case_index + 1,
        "description": _text(case.description) if case else "",
    }
    variables = case.variables if case else {}
    for name, column in columns.items():
        row[column] = _text(variables.get(name, ""))
    row.update(
        model=_text(result.model),
        repeat=result.key.repeat_index + 1,
        status=result.status.value,
        reason=_text(result.reason),
        answer=_text(result.answer),
        input_tokens=result.input_tokens,
        output_tokens=result.output_tokens,
        total_tokens=result.total_tokens,
        latency_ms=latency_ms(result.latency_seconds),
        truncation=result.truncation_status.value if result.truncation_status else "",
        checks=[
            {
                "check": _text(outcome.check),
                "passed": outcome.passed,
                "reason": _text(outcome.reason),
            }
            for outcome in result.checks
        ],
        run_id=result.run_id,
    )
    return row


def _check_line(outcome: Mapping[str, Any]) -> str:
    if outcome["passed"]:
        return f"{outcome['check']} ✓"
    reason = outcome["reason"]
    return f"{outcome['check']} ✗ {reason}" if reason else f"{outcome['check']} ✗"


def latency_ms(seconds: float | None) -> int | None:
    """Whole milliseconds, or None for no time (or one that cannot be a time)."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return None
    return round(seconds * 1000)


def _text(value: str) -> str:
    return replace_surrogates(value)


def _cell(text: str) -> str:
    """A text cell no spreadsheet runs: a leading quote where a formula could start."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _cell(value)
    return str(value)  # a number this module counted: never a formula


def _json_line(obj: object) -> str:
    line = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    for raw, escaped in _LINE_BREAKERS.items():
        if raw in line:
            line = line.replace(raw, escaped)
    return line + "\n"


_Writer = Callable[[TextIO, EvaluationInfo, Sequence[Case], Iterable[CellResult]], int]
_WRITERS: dict[ExportFormat, _Writer] = {
    "csv": write_csv,
    "jsonl": write_jsonl,
    "html": write_html,
}
