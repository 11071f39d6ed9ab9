"""Export writer speed: registry/importing/xlsx.py against XlsxWriter's constant-memory mode.

Both write the same rows of an export (Chinese text, numbers, dates, empty cells, 是/否, a text
that needs formula escaping) to an in-memory xlsx: our writer with inline strings straight into
the zip, XlsxWriter with `constant_memory` (also row by row, also inline strings) and a date
format. Each is run `--xlsx-runs` times; the best time counts. Both files are read back with
openpyxl to check they hold the same number of rows.

    python bench/run.py --only xlsx_writer [--xlsx-rows 100000] [--xlsx-runs 3]
"""

from __future__ import annotations

import datetime
import decimal
import io
import random
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["姓名", "性别", "证件号码", "工作单位", "人才层次", "已退休", "引进日期", "电话", "年薪（万元）", "研究方向"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚"
TIERS = [f"英才兴蒙 {n}类" for n in "一二三四五六"]


def add_arguments(parser: Any) -> None:
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="rows written by each xlsx writer")
    parser.add_argument("--xlsx-runs", type=int, default=3, help="runs of each writer (the best counts)")


def export_rows(count: int, seed: int = 1) -> list[list[Any]]:
    """Rows as the export produces them: stored values, choice labels, 是/否, None for empty cells."""
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        rows.append(
            [
                name,
                rng.choice(("男", "女", None)),
                None,  # identity numbers are blank for users without the personal-data permission
                f"内蒙古某某科技有限公司{number % 500}",
                rng.choice(TIERS) if number % 3 else None,
                rng.random() < 0.1,
                datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3650)),
                str(13900000000 + number),
                decimal.Decimal(rng.randrange(100, 10_000)) / 100,
                "=HYPERLINK(1)" if number % 1000 == 0 else "作物育种；土壤改良",
            ]
        )
    return rows


def escape(value: Any) -> Any:
    from registry.importing.values import FORMULA_TRIGGERS

    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) else value


def ours(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from registry.importing import xlsx

    output = io.BytesIO()
    xlsx.write(output, header, rows, escape, "人才")
    return output.getvalue()


def xlsxwriter_constant_memory(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    import xlsxwriter

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("人才")
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for number, row in enumerate(rows, start=1):
        for position, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_string(number, position, "是" if value else "否")
            elif isinstance(value, datetime.date):
                sheet.write_datetime(number, position, value, date)
            elif isinstance(value, (int, float, decimal.Decimal)):
                sheet.write_number(number, position, value)
            else:
                sheet.write_string(number, position, escape(str(value)))
    workbook.close()
    return output.getvalue()


def best_time(write: Any, rows: list[list[Any]], runs: int) -> tuple[float, bytes]:
    best, data = float("inf"), b""
    for _ in range(runs):
        started = time.perf_counter()
        data = write(HEADER, rows)
        best = min(best, time.perf_counter() - started)
    return best, data


def data_rows(data: bytes) -> int:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return sum(1 for _ in sheet.iter_rows(min_row=2))


def run(args: Any) -> None:
    sys.path.insert(0, str(ROOT))
    rows = export_rows(args.xlsx_rows)
    results = {name: best_time(write, rows, args.xlsx_runs) for name, write in WRITERS.items()}
    print(f"{args.xlsx_rows:,} rows x {len(HEADER)} columns, best of {args.xlsx_runs} runs")
    print("| writer | seconds | file KB | rows read back |")
    print("|---|---:|---:|---:|")
    for name, (seconds, data) in results.items():
        print(f"| {name} | {seconds:.2f} | {len(data) // 1024:,} | {data_rows(data):,} |")
    ratio = results["XlsxWriter constant_memory"][0] / results["registry xlsx.write"][0]
    print(f"speed-up of registry xlsx.write: {ratio:.1f}x")


WRITERS = {"registry xlsx.write": ours, "XlsxWriter constant_memory": xlsxwriter_constant_memory}
