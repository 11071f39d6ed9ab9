"""calamine in a child process with a memory and a time limit.

calamine lays each sheet out as a dense grid and reserves room for the counts a file declares; a
crafted xlsx or xls of a few kilobytes (a far cell, a DIMENSIONS record, a shared-string count, a
compound-file chain that loops) makes it ask for a hundred gigabytes and abort the process, or panic.
So an import reads its workbook here: in a child process whose address space (IMPORT_READER_MEMORY_MB)
and CPU time (IMPORT_READER_SECONDS) are limited. A file that kills the child is refused, and the
worker serving the request lives on.

The file is also the child's program: run as a script it imports no Django, reads the workbook from
standard input and writes the outcome to standard output (a pickle the parent reads back allowing
nothing but dates and times besides plain values).
"""

from __future__ import annotations

import datetime
import io
import logging
import pickle
import subprocess
import sys
from collections.abc import Sequence
from typing import Any, NamedTuple

logger = logging.getLogger(__name__)


# Sheets read from one workbook (an instruction sheet, the data, a code list...); later ones are ignored.
MAX_SHEETS = 10
# Distinct values a column's SharedValues remembers; a column of names or numbers gains nothing past this.
SHARED_PER_COLUMN = 4096
# Cell types SharedValues shares (hashable, and never changed in place).
SHAREABLE = frozenset({str, int, float, datetime.date, datetime.datetime, datetime.time, datetime.timedelta})


class SharedValues:
    """Hands out one object for each repeated cell value of a column (男, 否, an employer, a date),
    so 100k rows naming the same few values hold a few objects, not 100k copies; the pickle from
    the child keeps that sharing, since it writes an object it has written once as a reference."""

    def __init__(self) -> None:
        self.columns: list[dict[Any, Any]] = []

    def row(self, cells: Sequence[Any]) -> list[Any]:
        while len(self.columns) < len(cells):
            self.columns.append({})
        shared = []
        for memo, cell in zip(self.columns, cells):
            if type(cell) not in SHAREABLE:  # None and booleans are shared already; lists and dicts cannot be
                shared.append(cell)
                continue
            key = cell if type(cell) is str else (type(cell), cell)  # 1, 1.0 and True stay apart
            found = memo.get(key)
            if found is None:
                found = cell
                if len(memo) < SHARED_PER_COLUMN:
                    memo[key] = cell
            shared.append(found)
        return shared


class Outcome(NamedTuple):
    """What the child made of a workbook: kind is "rows" (`sheets`: the name and rows of each of the
    first MAX_SHEETS sheets), "too_far" (a sheet's last row and column, or the sheets' cells together,
    beyond the limits), "unreadable" (calamine refused it) or "limits" (the child
    ran out of memory or time, or died)."""

    kind: str
    sheets: list[tuple[str, list[list[Any]]]] | None = None
    extent: tuple[int, int] | None = None


def read_sheets(data: bytes, max_rows: int, max_columns: int, max_cells: int) -> Outcome:
    """The sheets of an xlsx or xls file, read by calamine in a limited child process."""
    from django.conf import settings

    limits = [max_rows, max_columns, max_cells, settings.IMPORT_READER_MEMORY_MB, settings.IMPORT_READER_SECONDS]
    try:
        finished = subprocess.run(
            [sys.executable, "-I", __file__, *map(str, limits)],
            input=data,
            capture_output=True,
            timeout=settings.IMPORT_READER_SECONDS * 2 + 10,
            check=False,
        )
    except subprocess.TimeoutExpired:
        logger.warning("workbook reader: no answer within %d s", settings.IMPORT_READER_SECONDS * 2 + 10)
        return Outcome("limits")
    if finished.returncode != 0:
        logger.warning("workbook reader ended with %d: %s", finished.returncode, finished.stderr[-400:])
        return Outcome("limits")
    outcome: Outcome = Outcome(*ValuesOnly(io.BytesIO(finished.stdout)).load())
    return outcome


class ValuesOnly(pickle.Unpickler):
    """Reads back plain values, dates and times; anything else in the child's answer is refused."""

    ALLOWED = {("datetime", name) for name in ("date", "datetime", "time", "timedelta")}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.ALLOWED:
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def child(arguments: list[str]) -> tuple[Any, ...]:
    """The child's work: limit itself, read standard input with calamine, answer with an Outcome's fields."""
    import resource

    max_rows, max_columns, max_cells, memory_mb, seconds = map(int, arguments)
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an aborted read leaves no core file behind
    data = sys.stdin.buffer.read()
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets, cells = [], 0
        for index, name in enumerate(workbook.sheet_names[:MAX_SHEETS]):
            sheet = workbook.get_sheet_by_index(index)
            last = sheet.end  # (row, column) of the last cell, 0-based; None for an empty sheet
            rows, columns = (last[0] + 1, last[1] + 1) if last else (0, 0)
            cells += rows * columns
            if rows > max_rows or columns > max_columns or cells > max_cells:
                return ("too_far", None, (rows, columns))
            shared = SharedValues()
            rows_read = [shared.row(row) for row in sheet.to_python(skip_empty_area=False)] if last else []
            sheets.append((str(name), rows_read))
        return ("rows", sheets, None)
    except MemoryError:
        return ("limits", None, None)
    except BaseException as error:  # calamine's errors, and its panics (a BaseException)
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return ("unreadable", None, None)


if __name__ == "__main__":
    answer = child(sys.argv[1:])
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
