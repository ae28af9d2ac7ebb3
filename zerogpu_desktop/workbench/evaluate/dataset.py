"""Reading a dataset file into cases, refusing anything that would be misread.

Datasets are written for promptfoo or exported from spreadsheets, so promptfoo's conventions
hold (a header of variable names, ``__expected`` checks, ``__description``…). A column promptfoo
gives a meaning this app does not implement (``__threshold``) is refused, never taken as a
variable: an evaluation silently ignoring a threshold would report passes that are not. The
file comes from anywhere, so its bytes, rows, checks, cells and JSON nesting are bounded.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from zerogpu_desktop.api.json_limits import JSONLimitError, check_json_limits
from zerogpu_desktop.storage import local_files
from zerogpu_desktop.templating import find_variables
from zerogpu_desktop.workbench.evaluate.checks import CheckSyntaxError, parse_check
from zerogpu_desktop.workbench.evaluate.types import Case, Dataset, DatasetError

__all__ = [
    "MAX_CASES",
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_CHECKS_PER_CASE",
    "MAX_COLUMNS",
    "MAX_DATASET_BYTES",
    "check_against_prompt",
    "load_dataset",
    "parse_dataset",
]

MAX_DATASET_BYTES = 64 * 1024 * 1024
MAX_CASES = 100_000
MAX_CHECKS_PER_CASE = 50
MAX_COLUMNS = 1_000
#: Values in all (rows × columns): each costs ~100 bytes held, and 64 MiB of commas is 64 million.
MAX_CELLS = 2_000_000
#: A prompt variable longer than this is a pasted file gone wrong, not a test input.
MAX_CELL_CHARS = 1024 * 1024

_Format = Literal["csv", "jsonl", "json"]
_EXTENSIONS: dict[str, _Format] = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".json": "json"}
_EXPECTED = re.compile(r"__expected\d*")
_OTHER_RESERVED = ("__description", "__prefix", "__suffix", "__allow_truncation")
_RESERVED = re.compile(r"__expected\d*|" + "|".join(_OTHER_RESERVED))
_FLAGS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False, "": False}
_QUOTED = re.compile(r'"[^"]*"')
_UTF8_BOM = b"\xef\xbb\xbf"
_SKIPPED = _UTF8_BOM + b" \t\r\n"
_SNIFFED: dict[bytes, _Format] = {b"[": "json", b"{": "jsonl"}
_FLAT_ROW = 'such as {"country": "France"}'
#: What the `csv` module's errors mean to whoever wrote the file.
_CSV_PROBLEMS = {
    "end of data": "has a quoted value that is never closed",
    "field limit": f"has a value over {MAX_CELL_CHARS:,} characters",
}
_SPLIT = "Split it into smaller datasets"


class _IntegerText(str):
    """A JSON integer kept as written: a 5,000-digit ID stays text instead of failing `int`."""


class _Object(list[tuple[str, Any]]):
    """A JSON object as its key/value pairs, so a key written twice can be refused."""


#: A row before its reserved columns are read: the line it starts on, and (column, text) in
#: file order; a JSON list of checks is one cell per check.
_Row = tuple[int, list[tuple[str, str]]]


def load_dataset(path: Path) -> Dataset:
    """Read and validate the dataset at ``path``, bounded; the format is `parse_dataset`'s.

    Raises:
        DatasetError: The file cannot be read, is too large, or is not a usable dataset.
    """
    name = path.name
    try:
        data = local_files.read_capped(path, MAX_DATASET_BYTES)
    except OSError as exc:  # missing, a folder, a device, no permission
        reason = local_files.os_reason(exc)
        raise DatasetError(f"{name} cannot be read ({reason}). Choose a readable file.") from None
    except local_files.FileContentError:
        raise _too_big(name) from None
    return parse_dataset(data, name)


def parse_dataset(data: bytes, name: str, *, fmt: _Format | None = None) -> Dataset:
    """Validate ``data``, the bytes of the file called ``name``, as a dataset.

    ``fmt`` None means by extension (``.csv``, ``.tsv``: tabs, ``.jsonl``, ``.json``), else by
    sniffing: ``[`` starts a JSON array, ``{`` JSON Lines, anything else CSV.

    Raises:
        DatasetError: One sentence naming the file, the row and the column.
    """
    if len(data) > MAX_DATASET_BYTES:
        raise _too_big(name)
    extension = Path(name).suffix.lower()
    chosen = fmt or _EXTENSIONS.get(extension) or _SNIFFED.get(data.lstrip(_SKIPPED)[:1], "csv")
    if chosen == "csv":
        text = _decode(data, name)
        delimiter = "\t" if extension == ".tsv" else _sniff_delimiter(text)
        header, rows = _read_csv(text, name, delimiter)
    else:
        _decode(data, name)  # names a bad byte; JSON is decoded from the bytes
        body = data.removeprefix(_UTF8_BOM)
        rows = _read_jsonl(body, name) if chosen == "jsonl" else _read_json(body, name)
        header = list(dict.fromkeys(column for _, cells in rows for column, _ in cells))
        _check_names(name, header)
    if not rows:
        fix = "at least one row under the header" if chosen == "csv" else f"a row, {_FLAT_ROW}"
        raise DatasetError(f"{name} has no data rows. Add {fix}.")
    checked: set[str] = set()  # datasets repeat their checks; each is parsed once
    return Dataset(
        name=name,
        fingerprint=hashlib.sha256(data).hexdigest(),
        columns=tuple(column for column in header if not column.startswith("__")),
        cases=tuple(_build_case(index, row, name, checked) for index, row in enumerate(rows)),
    )


def check_against_prompt(dataset: Dataset, variables_needed: Sequence[str]) -> None:
    """Refuse, before anything is sent, a dataset lacking a variable the prompt uses (names
    from `find_variables`): a missing column first, else the first row (JSON) without the key.
    An empty value is a value."""
    for variable in variables_needed:
        if variable not in dataset.columns:
            raise DatasetError(
                f'{dataset.name} has no column "{variable}", which the prompt uses as '
                f"{{{{{variable}}}}}. Add the column or change the prompt."
            )
    for case in dataset.cases:
        for variable in variables_needed:
            if variable not in case.variables:
                where = _where(dataset.name, case.index + 1, case.line)
                raise DatasetError(
                    f'{where} has no value for "{variable}", which the prompt uses as '
                    f'{{{{{variable}}}}}. Add "{variable}" to the row or change the prompt.'
                )


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DatasetError(
            f"{name} is not UTF-8 text (the byte at offset {exc.start:,}, on line {line:,}, "
            'is not valid UTF-8). Save it as UTF-8 (in Excel: "CSV UTF-8") and load it again.'
        ) from None


def _sniff_delimiter(text: str) -> str:
    """Tab when the header line has a tab and no comma outside quotes, else comma."""
    header = _QUOTED.sub("", text.lstrip("\r\n").partition("\n")[0])
    return "\t" if "\t" in header and "," not in header else ","


def _read_csv(text: str, name: str, delimiter: str) -> tuple[list[str], list[_Row]]:
    if csv.field_size_limit() < MAX_CELL_CHARS:
        csv.field_size_limit(MAX_CELL_CHARS)  # raised once, never lowered: safe for others
    separators = 0  # in the lines of the row being read, an upper bound on its values
    separator = "tab" if delimiter == "\t" else "comma"

    def lines() -> Iterator[str]:
        """The file's lines, refusing the row being read (``where``) before `csv` makes a list
        of its values when it has too many."""
        nonlocal separators
        for physical in io.StringIO(text, newline=""):
            if (separators := separators + physical.count(delimiter)) > MAX_CELLS:
                raise DatasetError(f"{where} has over {MAX_CELLS:,} {separator}s. {_SPLIT}.")
            yield physical

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    rows: list[_Row] = []
    header: list[str] | None = None
    while True:
        line = reader.line_num + 1
        where = _where(name, len(rows) + 1, line)
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            problem = next((p for key, p in _CSV_PROBLEMS.items() if key in str(exc)), None)
            upto = f" (read up to line {reader.line_num:,})" if reader.line_num > line else ""
            raise DatasetError(
                f"{where} {problem or f'has a misplaced quote ({exc})'}{upto}. Close every "
                'quote, and double a quote inside a quoted value ("").'
            ) from None
        separators = 0
        if cells is None:
            break
        if not cells:
            continue
        if header is None:
            header = [cell.strip() for cell in cells]
            _check_header(name, header)
            continue
        if len(cells) > len(header):
            raise DatasetError(
                f"{where} has {len(cells)} values, {len(cells) - len(header)} more than the header "
                f"names. Quote values that contain a {separator}, or name the extra columns."
            )
        if len(rows) == MAX_CASES or (len(rows) + 1) * len(header) > MAX_CELLS:
            raise _too_many(name, len(rows))
        cells += [""] * (len(header) - len(cells))  # promptfoo: a missing cell is empty
        pairs = zip(header, cells, strict=True)
        rows.append((line, [(column, _bounded(cell, where, column)) for column, cell in pairs]))
    if header is None:
        raise DatasetError(f"{name} is empty. Add a header row and at least one data row.")
    return header, rows


def _check_header(name: str, header: list[str]) -> None:
    first_seen: dict[str, int] = {}
    for number, column in enumerate(header, start=1):
        if not column:
            raise DatasetError(f"{name}: column {number} has no name. Name it or remove it.")
        if (first := first_seen.setdefault(column, number)) != number:
            raise DatasetError(
                f'{name}: column "{column}" appears twice (columns {first} and {number}). '
                "Rename or remove one of them."
            )
    _check_names(name, header)


def _check_names(name: str, columns: Sequence[str]) -> None:
    if len(columns) > MAX_COLUMNS:
        raise DatasetError(f"{name} has more than {MAX_COLUMNS:,} columns. {_SPLIT}.")
    if "" in columns:
        raise DatasetError(f'{name} has a column with an empty name (""). Name it or remove it.')
    unsupported = [f'"{c}"' for c in columns if c.startswith("__") and not _RESERVED.fullmatch(c)]
    if unsupported:
        one = len(unsupported) == 1
        them, variables = ("it", "a variable") if one else ("them", "variables")
        raise DatasetError(
            f"{name} uses {'a column' if one else 'columns'} ZeroGPU Desktop does not support: "
            f"{', '.join(unsupported)}. Remove {them}, or rename {them} without the leading "
            f'"__" to use {them} as {variables}.'
        )
    for column in columns:
        if not column.startswith("__") and find_variables(f"{{{{{column}}}}}") != [column]:
            raise DatasetError(
                f'{name} has a column "{column}" that cannot be a {{{{variable}}}} name. '
                'Rename it using only letters, digits, "_", "-" and "." (such as "first_name").'
            )


def _read_jsonl(body: bytes, name: str) -> list[_Row]:
    rows: list[_Row] = []
    values = 0
    for line_number, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        if len(rows) == MAX_CASES or values > MAX_CELLS:
            raise _too_many(name, len(rows))
        where = _where(name, len(rows) + 1, line_number)
        fix = "Write one flat JSON object per line"  # an object, and perhaps lists of checks
        value = _decode_json(line, where, fix, max_containers=2 * MAX_CHECKS_PER_CASE + 1)
        rows.append((line_number, _object_cells(value, where)))
        values += len(rows[-1][1])
    if not rows:
        raise DatasetError(f"{name} is empty. Add one JSON object per line, {_FLAT_ROW}.")
    return rows


def _read_json(body: bytes, name: str) -> list[_Row]:
    fix = f"Write one array of at most {MAX_CASES:,} flat objects"
    document = _decode_json(body, name, fix, max_containers=2 * MAX_CASES + 1)
    if type(document) is not list:  # an object decodes as an `_Object`, a list subclass
        raise DatasetError(f"{name} is not a JSON array of objects. {fix}, one per row.")
    if len(document) > MAX_CASES:
        raise _too_many(name, len(document))
    where = functools.partial(_where, name)
    return [(n, _object_cells(value, where(n, n))) for n, value in enumerate(document, start=1)]


def _decode_json(body: bytes, where: str, fix: str, *, max_containers: int) -> Any:
    """JSON decoded within `api.json_limits`' bounds, integers kept as their digits."""
    try:
        check_json_limits(body, max_values=MAX_CELLS + MAX_CASES, max_containers=max_containers)
        return json.loads(body, parse_int=_IntegerText, object_pairs_hook=_Object)
    except (JSONLimitError, RecursionError) as exc:
        reason = getattr(exc, "reason", "is nested too deeply")
        raise DatasetError(f"{where} cannot be used: it {reason}. {fix}.") from None
    except json.JSONDecodeError as exc:
        place = (f"line {exc.lineno}, " if exc.lineno > 1 else "") + f"column {exc.colno}"
        raise DatasetError(f"{where} is not valid JSON ({exc.msg} at {place}). {fix}.") from None


def _object_cells(value: Any, where: str) -> list[tuple[str, str]]:
    if not isinstance(value, _Object):
        raise DatasetError(f"{where} is not a JSON object. Write each row as one, {_FLAT_ROW}.")
    cells: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, item in value:
        if key in seen:
            raise DatasetError(f'{where}, column "{key}" appears twice. Remove one of them.')
        seen.add(key)
        if not (type(item) is list and _EXPECTED.fullmatch(key)):
            cells.append((key, _json_text(item, where, key)))
        elif all(type(check) is str for check in item):
            cells.extend((key, _bounded(check, where, key)) for check in item)
        else:
            raise DatasetError(
                f'{where}, column "{key}" holds a list with an item that is not text. Write '
                'each check as a string, such as "icontains:paris".'
            )
    return cells


def _json_text(item: Any, where: str, column: str) -> str:
    """A JSON value as the text a prompt receives: JSON's spelling of numbers and booleans."""
    if isinstance(item, str):
        return _bounded(item, where, column)
    if item is None:
        return ""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, float) and math.isfinite(item):
        return repr(item)
    kinds = ("a number too large to use (or NaN)", "a nested object", "a list")
    kind = kinds[0] if isinstance(item, float) else kinds[1 if isinstance(item, _Object) else 2]
    raise DatasetError(
        f'{where}, column "{column}" holds {kind}, which is no value for a variable. Write '
        "it as a string in quotes, or split it into several columns."
    )


def _bounded(text: str, where: str, column: str) -> str:
    if len(text) > MAX_CELL_CHARS:
        limit = f"{MAX_CELL_CHARS:,} characters"
        raise DatasetError(f'{where}, column "{column}" holds more than {limit}. Shorten it.')
    return str(text)


def _build_case(index: int, row: _Row, name: str, checked: set[str]) -> Case:
    line, cells = row
    where = _where(name, index + 1, line)
    variables: dict[str, str] = {}
    reserved = dict.fromkeys(_OTHER_RESERVED, "")
    checks: list[str] = []
    for column, value in cells:
        if not _EXPECTED.fullmatch(column):
            (reserved if column in reserved else variables)[column] = value
        elif value.strip():  # an empty cell is no check
            if len(checks) == (most := MAX_CHECKS_PER_CASE):
                raise DatasetError(f"{where} has over {most} checks. Keep {most} or fewer per row.")
            if value not in checked:
                try:
                    parse_check(value)
                except CheckSyntaxError as exc:  # "The …" continues this sentence: "the …"
                    reason = re.sub(r"^(?:The|An?) ", lambda opener: opener[0].lower(), str(exc))
                    raise DatasetError(f'{where}, column "{column}": {reason}') from None
                checked.add(value)
            checks.append(value)
    flag = reserved["__allow_truncation"]
    if (allow_truncation := _FLAGS.get(flag.strip().lower())) is None:
        raise DatasetError(
            f'{where}, column "__allow_truncation": "{flag[:40]}" is not true or false. Write '
            "true, false, yes, no, 1 or 0, or leave it empty."
        )
    return Case(
        index=index,
        variables=variables,
        checks=tuple(checks),
        description=reserved["__description"],
        prefix=reserved["__prefix"],
        suffix=reserved["__suffix"],
        allow_truncation=allow_truncation,
        line=line,
    )


def _where(name: str, row: int, line: int) -> str:
    """``capitals.csv, row 3 (line 4)``; the line is left out where it equals the row."""
    return f"{name}, row {row:,}" + (f" (line {line:,})" if line != row else "")


def _too_big(name: str) -> DatasetError:
    limit, mib = MAX_DATASET_BYTES, 1024 * 1024
    size = f"{limit // mib} MiB" if limit % mib == 0 else f"{limit:,} bytes"
    return DatasetError(f"{name} is larger than {size}. {_SPLIT}.")


def _too_many(name: str, rows: int) -> DatasetError:
    """Too many rows, or (with fewer rows read) too many values in all."""
    over = f"{MAX_CASES:,} rows" if rows >= MAX_CASES else f"{MAX_CELLS:,} values (rows × columns)"
    return DatasetError(f"{name} has more than {over}. {_SPLIT}.")
