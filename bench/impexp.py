"""Spreadsheet import/export speed: our engine against a plain django-import-export ModelResource.

    make bench BENCH_ARGS="--only impexp [--impexp-rows 10000,100000] [--impexp-contracts 10000,100000]
                           [--impexp-baseline-max 10000]"

For each database (a temporary SQLite file and the PostgreSQL cluster of DATABASE_URL) and each row
count, talent files with organization and lookup columns are imported as the admin does it (read,
validate, store the plan for preview, confirm = bulk write with history), imported again (nothing
changes), and exported to xlsx. The same rows go through a plain ModelResource with default options
the way DIE's admin does it (dry run, then the real import); above --impexp-baseline-max rows the
baseline is extrapolated linearly from the largest measured size and labelled so. Technology contract
files follow, their buyers and sellers many-to-many names in one cell (1–3 and 1–2 of them), against
a plain resource given the same links as ids. Each measurement runs in its own process, so peak memory
is that process's maximum resident size.
"""

from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORGANIZATIONS = 1000
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def add_arguments(parser):
    parser.add_argument("--impexp-rows", default="10000,100000", help="talent rows per file (comma-separated)")
    parser.add_argument(
        "--impexp-baseline-max",
        type=int,
        default=10000,
        help="largest row count run through plain django-import-export (bigger: extrapolated)",
    )
    parser.add_argument("--impexp-databases", default="sqlite,postgresql", help="sqlite and/or postgresql")
    parser.add_argument(
        "--impexp-contracts",
        default="10000,100000",
        help="technology contract rows per file, buyers and sellers as many-to-many names (comma-separated; '' skips)",
    )


# -- the parent: orchestrates worker processes and prints the table -------------------------------


def run(args):
    sizes = [int(size) for size in args.impexp_rows.split(",") if size]
    workdir = Path(tempfile.mkdtemp(prefix="impexp-bench-"))
    databases = {}
    if "sqlite" in args.impexp_databases:
        databases["SQLite"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    if "postgresql" in args.impexp_databases and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        databases["PostgreSQL"] = os.environ["DATABASE_URL"]
    for size in sizes:
        worker("make_files", None, rows=size, folder=str(workdir))
    print(f"files in {workdir}; each figure is one process (peak memory = its max RSS)")
    for label, url in databases.items():
        worker("setup", url)
        print(f"\n--- {label} ---")
        print(f"{'step':<44}{'rows':>8}{'seconds':>10}{'rows/s':>10}{'peak MB':>9}{'queries':>9}")
        baseline_rate = None
        for size in sizes:
            ours = {}
            for step in ("import", "reimport", "export"):
                ours[step] = worker(step, url, rows=size, folder=str(workdir))
                show(f"ours: {step} (admin flow)" if step != "export" else "ours: export xlsx", ours[step])
            if size <= args.impexp_baseline_max:
                base = worker("baseline", url, rows=size, folder=str(workdir))
                show("plain DIE ModelResource: dry run + import", base)
                baseline_rate = base["seconds"] / size
                base_export = worker("baseline_export", url, rows=size, folder=str(workdir))
                show("plain DIE ModelResource: export xlsx", base_export)
                label_base = "measured"
            elif baseline_rate:
                base = {"seconds": baseline_rate * size}
                label_base = f"EXTRAPOLATED from {args.impexp_baseline_max} rows"
            else:
                continue
            ratio = base["seconds"] / ours["import"]["seconds"]
            print(
                f"  => import {size} rows: ours {ours['import']['seconds']:.2f} s vs plain "
                f"{base['seconds']:.1f} s ({label_base}): {ratio:.0f}x faster"
            )
        run_contracts(args, url, workdir)


def run_contracts(args, url, workdir):
    """Contracts whose buyers and sellers are many-to-many names, side by side with a plain resource."""
    sizes = [int(size) for size in args.impexp_contracts.split(",") if size]
    baseline_rate = None
    for size in sizes:
        worker("make_contract_files", url, rows=size, folder=str(workdir))
        ours = {}
        for step in ("contract_import", "contract_reimport", "contract_export"):
            ours[step] = worker(step, url, rows=size, folder=str(workdir))
            show(f"ours: contracts {step.split('_')[1]} (m2m)", ours[step])
        if size <= args.impexp_baseline_max:
            base = worker("contract_baseline", url, rows=size, folder=str(workdir))
            show("plain DIE: contracts dry run + import", base)
            baseline_rate = base["seconds"] / size
            show("plain DIE: contracts export xlsx", worker("contract_baseline_export", url, rows=size))
            label_base = "measured"
        elif baseline_rate:
            base = {"seconds": baseline_rate * size}
            label_base = f"EXTRAPOLATED from {args.impexp_baseline_max} rows"
        else:
            continue
        ratio = base["seconds"] / ours["contract_import"]["seconds"]
        print(
            f"  => import {size} contracts: ours {ours['contract_import']['seconds']:.2f} s vs plain "
            f"{base['seconds']:.1f} s ({label_base}): {ratio:.0f}x faster"
        )


def show(step, result):
    rate = result["rows"] / result["seconds"] if result["seconds"] else 0
    queries = result.get("queries", "")
    print(
        f"{step:<44}{result['rows']:>8}{result['seconds']:>10.2f}{rate:>10.0f}{result['peak_mb']:>9.0f}{queries!s:>9}",
        flush=True,
    )


def worker(task, url, **options):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings")
    if url:
        env["DATABASE_URL"] = url
    command = [sys.executable, str(Path(__file__)), task, json.dumps(options)]
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode:
        raise SystemExit(f"bench worker {task} failed:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# -- the workers ----------------------------------------------------------------------------------


def id_number(index: int) -> str:
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=index // 900)
    body = f"150102{birth:%Y%m%d}{index % 900 + 100:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


def talent_rows(size, tiers):
    for index in range(size):
        yield [
            f"人才{index:06d}",
            "男" if index % 2 else "女",
            id_number(index),
            f"测试单位{index % ORGANIZATIONS:04d}",
            tiers[index % len(tiers)],
            "否",
            datetime.date(2020, 1, 1) + datetime.timedelta(days=index % 1500),
            f"139{index:08d}",
            "新材料",
        ]


HEADER = ["姓名", "性别", "证件号码", "工作单位", "人才类别", "已退休", "引进日期", "电话", "专业领域"]
DIE_HEADER = [
    "name",
    "gender",
    "id_number",
    "employer",
    "tier",
    "is_retired",
    "introduced_on",
    "phone",
    "research_fields",
]


def write_xlsx(path, header, rows):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for number, row in enumerate(rows, start=1):
        for position, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(number, position, value, date)
            else:
                sheet.write(number, position, value)
    workbook.close()


def task_make_files(rows, folder):
    tiers = [f"英才兴蒙 {n}类" for n in "一二三四五六"]
    write_xlsx(Path(folder) / f"talents-{rows}.xlsx", HEADER, talent_rows(rows, tiers))
    return {}


def django_setup():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def task_setup():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from registry.models import Organization, Talent

    Talent.history.all().delete()
    Talent.objects.all().delete()
    Organization.objects.bulk_create(
        [Organization(name=f"测试单位{i:04d}") for i in range(ORGANIZATIONS)], ignore_conflicts=True
    )
    get_user_model().objects.filter(username="bench").delete()
    get_user_model().objects.create_superuser("bench", None, None)
    return {}


def bench_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="bench")


def clear_talents():
    from registry.models import Talent

    Talent.history.all().delete()
    Talent.objects.all().delete()


def task_import(rows, folder, clear=True, expect_changes=True):
    from registry.importing import service
    from registry.models import Talent

    if clear:
        clear_talents()
    user = bench_user()
    path = Path(folder) / f"talents-{rows}.xlsx"
    started = time.perf_counter()
    plan, header, table = service.validate(Talent, path.read_bytes(), path.name, user)
    assert not plan.errors, [str(e) for e in plan.errors[:5]]
    assert plan.has_changes == expect_changes, plan.counts
    pending = service.store(plan, user, path.name)  # the preview step ends here
    del plan, header, table
    result = service.confirm(pending, user)  # the confirm step: load the plan and apply it
    return {"seconds": time.perf_counter() - started, "rows": rows, "result": result}


def task_reimport(rows, folder):
    outcome = task_import(rows, folder, clear=False, expect_changes=False)
    return outcome


def task_export(rows, folder):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.importing import service
    from registry.models import Talent

    user = bench_user()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        data = service.export(Talent.objects.all(), user, "xlsx", "talents.xlsx")
    seconds = time.perf_counter() - started
    Path(folder, f"export-{rows}.xlsx").write_bytes(data)
    return {"seconds": seconds, "rows": Talent.objects.count(), "queries": len(queries)}


def die_file(rows, folder):
    """The same rows with field-name headers and foreign keys as ids, as a plain resource needs."""
    from registry.models import Organization, TalentTier

    orgs = dict(Organization.objects.values_list("name", "pk"))
    tiers = dict(TalentTier.objects.values_list("name", "pk"))
    names = [f"英才兴蒙 {n}类" for n in "一二三四五六"]
    path = Path(folder) / f"die-talents-{rows}.xlsx"
    converted = ([*row[:3], orgs[row[3]], tiers[row[4]], 0, *row[6:]] for row in talent_rows(rows, names))
    write_xlsx(path, DIE_HEADER, converted)
    return path


def task_baseline(rows, folder):
    from import_export.formats.base_formats import XLSX
    from import_export.resources import modelresource_factory

    from registry.models import Talent

    clear_talents()
    path = die_file(rows, folder)
    started = time.perf_counter()
    dataset = XLSX().create_dataset(path.read_bytes())
    resource_class = modelresource_factory(Talent)
    result = resource_class().import_data(dataset, dry_run=True)  # the admin's preview
    assert not result.has_errors() and not result.has_validation_errors()
    dataset = XLSX().create_dataset(path.read_bytes())  # the admin reads the file again on confirm
    result = resource_class().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def task_baseline_export(rows, folder):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from import_export.formats.base_formats import XLSX
    from import_export.resources import modelresource_factory

    from registry.models import Talent

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        dataset = modelresource_factory(Talent)().export(Talent.objects.all())
        XLSX().export_data(dataset)
    return {"seconds": time.perf_counter() - started, "rows": len(dataset), "queries": len(queries)}


# -- technology contracts with many-to-many buyers and sellers -------------------------------------

CONTRACT_HEADER = ["标题", "合同类别", "买方", "卖方", "合同金额（万元）", "技术交易额（万元）", "签订日期"]


def contract_parties(index: int) -> tuple[list[int], list[int]]:
    """One to three buyers and one or two sellers (organization numbers) of contract `index`."""
    buyers = [(index * 7 + k * 13) % ORGANIZATIONS for k in range(1 + index % 3)]
    sellers = [(index * 11 + 500 + k * 17) % ORGANIZATIONS for k in range(1 + index % 2)]
    return buyers, sellers


def contract_rows(size, kinds):
    for index in range(size):
        buyers, sellers = contract_parties(index)
        yield [
            f"技术合同{index:06d}",
            kinds[index % len(kinds)],
            "、".join(f"测试单位{n:04d}" for n in buyers),
            "、".join(f"测试单位{n:04d}" for n in sellers),
            100 + index % 900,
            50 + index % 50,  # within the contract amount
            datetime.date(2024, 1, 1) + datetime.timedelta(days=index % 700),
        ]


def task_make_contract_files(rows, folder):
    from registry.models import ContractType, Organization

    kinds = list(ContractType.objects.order_by("pk").values_list("name", flat=True))
    write_xlsx(Path(folder) / f"contracts-{rows}.xlsx", CONTRACT_HEADER, contract_rows(rows, kinds))
    pks = dict(ContractType.objects.values_list("name", "pk"))
    orgs = dict(Organization.objects.values_list("name", "pk"))
    header = ["title", "contract_type", "buyers", "sellers", "contract_amount", "transaction_amount", "signed_on"]
    converted = (
        [
            row[0],
            pks[row[1]],
            ",".join(str(orgs[name]) for name in row[2].split("、")),
            ",".join(str(orgs[name]) for name in row[3].split("、")),
            row[4] * 10_000,
            row[5] * 10_000,
            row[6],
        ]
        for row in contract_rows(rows, kinds)
    )
    write_xlsx(Path(folder) / f"die-contracts-{rows}.xlsx", header, converted)
    return {}


def clear_contracts():
    from registry.models import TechContract

    TechContract.history.all().delete()
    TechContract.objects.all().delete()


def task_contract_import(rows, folder, clear=True, expect_changes=True):
    from registry.importing import service
    from registry.models import TechContract

    if clear:
        clear_contracts()
    user = bench_user()
    path = Path(folder) / f"contracts-{rows}.xlsx"
    started = time.perf_counter()
    plan, header, table = service.validate(TechContract, path.read_bytes(), path.name, user)
    assert not plan.errors, [str(e) for e in plan.errors[:5]]
    assert plan.has_changes == expect_changes, plan.counts
    pending = service.store(plan, user, path.name)
    del plan, header, table
    result = service.confirm(pending, user)
    return {"seconds": time.perf_counter() - started, "rows": rows, "result": result}


def task_contract_reimport(rows, folder):
    return task_contract_import(rows, folder, clear=False, expect_changes=False)


def task_contract_export(rows, folder):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.importing import service
    from registry.models import TechContract

    user = bench_user()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        data = service.export(TechContract.objects.all(), user, "xlsx", "contracts.xlsx")
    seconds = time.perf_counter() - started
    Path(folder, f"contracts-export-{rows}.xlsx").write_bytes(data)
    return {"seconds": seconds, "rows": TechContract.objects.count(), "queries": len(queries)}


def task_contract_baseline(rows, folder):
    from import_export.formats.base_formats import XLSX
    from import_export.resources import modelresource_factory

    from registry.models import TechContract

    clear_contracts()
    path = Path(folder) / f"die-contracts-{rows}.xlsx"
    started = time.perf_counter()
    resource_class = modelresource_factory(TechContract)
    result = resource_class().import_data(XLSX().create_dataset(path.read_bytes()), dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    result = resource_class().import_data(XLSX().create_dataset(path.read_bytes()), dry_run=False)
    assert not result.has_errors()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def task_contract_baseline_export(rows):
    from import_export.formats.base_formats import XLSX
    from import_export.resources import modelresource_factory

    from registry.models import TechContract

    started = time.perf_counter()
    dataset = modelresource_factory(TechContract)().export(TechContract.objects.all())
    XLSX().export_data(dataset)
    return {"seconds": time.perf_counter() - started, "rows": len(dataset)}


def worker_main():
    task, options = sys.argv[1], json.loads(sys.argv[2])
    django_setup()
    result = globals()[f"task_{task}"](**options) or {}
    result.setdefault("seconds", 0)
    result.setdefault("rows", 0)
    # ru_maxrss is in kilobytes on Linux.
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    worker_main()
