"""Benchmark: the 疑似重复 finders (registry.duplicates) on a large PostgreSQL database.

    make bench BENCH_ARGS="--only duplicates [--duplicates-talents N] [--duplicates-organizations N]"

Seeds the database with `seed_scale` (talents, organizations), gives the talents birth dates and
identity numbers (a few written the old 15-digit way, a few in lower case) and a share of the
organizations credit codes (a few in lower case), then times organization_duplicates() and
talent_duplicates() over the whole tables (median of the runs) and prints how many groups were found
and the number of queries.
"""

from __future__ import annotations

import os
import statistics
import time


def add_arguments(parser):
    group = parser.add_argument_group("duplicates")
    group.add_argument("--duplicates-talents", type=int, default=1_000_000)
    group.add_argument("--duplicates-organizations", type=int, default=100_000)
    group.add_argument("--duplicates-runs", type=int, default=3)


def run(args):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("duplicates: needs DATABASE_URL of a PostgreSQL database (make bench sets one); skipped")
        return
    import django

    django.setup()
    from django.core.management import call_command

    from registry.models import Organization, Talent

    call_command("migrate", verbosity=0)
    if Talent.objects.count() < args.duplicates_talents:
        started = time.monotonic()
        call_command(
            "seed_scale",
            talents=args.duplicates_talents,
            organizations=args.duplicates_organizations,
            contracts=0,
            seed=1,
        )
        print(f"duplicates: seeded in {time.monotonic() - started:.0f} s")
    add_personal_values()
    print(f"duplicates: {Organization.objects.count()} organizations, {Talent.objects.count()} talents")
    from registry import duplicates

    time_finder("organization_duplicates", duplicates.organization_duplicates, Organization, args.duplicates_runs)
    time_finder("talent_duplicates", duplicates.talent_duplicates, Talent, args.duplicates_runs)


def add_personal_values():
    """Birth dates for all talents; identity numbers for the even ids and, for one odd id in 2000, the
    previous talent's number in lower case (a copy written differently); credit codes for the even
    organizations and, for one odd id in 1000, the previous one's code in lower case."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE registry_talent SET
                birth_date = DATE '1950-01-01' + (id * 7919 %% 20000)::int,
                id_number = CASE
                    WHEN id %% 2 = 0 THEN '15' || lpad(id::text, 15, '0') || 'X'
                    WHEN id %% 2000 = 1 THEN '15' || lpad((id - 1)::text, 15, '0') || 'x'
                END
            WHERE birth_date IS NULL
            """,
            [],  # parameters given, so that %% is read as %
        )
        cursor.execute(
            """
            UPDATE registry_organization SET credit_code = CASE
                WHEN id %% 2 = 0 THEN '91150100MA' || lpad(id::text, 8, '0')
                WHEN id %% 1000 = 1 THEN '91150100ma' || lpad((id - 1)::text, 8, '0')
            END
            WHERE credit_code IS NULL
            """,
            [],
        )
        cursor.execute("ANALYZE registry_talent")
        cursor.execute("ANALYZE registry_organization")


def time_finder(name, finder, model, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds = []
    for _run in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            groups = finder(model.objects.all())
            seconds.append(time.perf_counter() - started)
    reasons: dict[str, int] = {}
    for group in groups:
        reasons[str(group.reason)] = reasons.get(str(group.reason), 0) + 1
    print(
        f"{name}: median {statistics.median(seconds):.2f} s over {runs} runs, {len(queries)} queries, "
        f"{len(groups)} groups {reasons}"
    )
