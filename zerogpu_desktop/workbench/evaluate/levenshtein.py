"""Edit distance with a ceiling and a deadline, for `levenshtein(N):` checks.

An answer can be megabytes long and the full table is its length times the expected text's,
so the distance is only worked out as far as the check needs: within ``limit`` edits the
table is a band ``2 * limit + 1`` wide around its diagonal (Ukkonen), a row whose every cell
is already over the limit ends the work, and a clock is read every few thousand cells so a
long pair of texts gives up instead of freezing a worker.
"""

from __future__ import annotations

import time

__all__ = ["edit_distance_at_most"]

#: How many cells are filled between two looks at the clock.
_CELLS_PER_CLOCK_READ = 4096


def edit_distance_at_most(first: str, second: str, limit: int, deadline: float) -> int | None:
    """The Levenshtein distance between the texts when it is at most ``limit``, else None.

    ``limit`` at least the longer text's length gives the exact distance, whatever it is.

    Raises:
        TimeoutError: ``time.monotonic()`` passed ``deadline`` before the answer was known.
    """
    if limit < 0 or abs(len(first) - len(second)) > limit:
        return None
    if len(first) < len(second):
        first, second = second, first
    columns = len(second)
    if columns == 0:
        return len(first)
    ceiling = limit + 1
    previous = list(range(min(columns, limit) + 1))
    previous_low = 0
    cells = 0
    for row, letter in enumerate(first, start=1):
        low = max(0, row - limit)
        high = min(columns, row + limit)
        current = [ceiling] * (high - low + 1)
        previous_high = previous_low + len(previous) - 1
        if low == 0:
            current[0] = min(row, ceiling)
        for column in range(max(low, 1), high + 1):
            # Substitution (or a match) is always inside the previous row's band.
            best = previous[column - 1 - previous_low] + (letter != second[column - 1])
            if column <= previous_high:
                deletion = previous[column - previous_low] + 1
                if deletion < best:
                    best = deletion
            if column > low:
                insertion = current[column - 1 - low] + 1
                if insertion < best:
                    best = insertion
            current[column - low] = best if best < ceiling else ceiling
        if min(current) > limit:
            return None
        cells += len(current)
        if cells >= _CELLS_PER_CLOCK_READ:
            cells = 0
            if time.monotonic() > deadline:
                raise TimeoutError("edit distance ran past its deadline")
        previous, previous_low = current, low
    distance = previous[columns - previous_low]
    return distance if distance <= limit else None
