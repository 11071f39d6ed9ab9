"""Benchmark: the admin index with its dashboard on a large PostgreSQL database.

    make bench BENCH_ARGS="--only dashboard [--dashboard-talents N] [--dashboard-contracts N]"

Fills the database (with `seed_scale` when that command exists, else with INSERT ... SELECT over
generate_series), then renders the index as a superuser: warm-up, then N timed runs; prints the
median, p95 and the number of queries. The target is 300 ms with a million talents and 100k contracts.
"""

from __future__ import annotations

import os
import statistics
import time

TARGET_MS = 300


def add_arguments(parser):
    group = parser.add_argument_group("dashboard")
    group.add_argument("--dashboard-talents", type=int, default=1_000_000, help="talents to create")
    group.add_argument("--dashboard-contracts", type=int, default=100_000, help="contracts to create")
    group.add_argument("--dashboard-runs", type=int, default=10, help="timed renders of the index")
    group.add_argument("--dashboard-seed", type=int, default=1, help="seed of the synthetic data")


def run(args):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill(args.dashboard_talents, args.dashboard_contracts, args.dashboard_seed)
    time_index(args.dashboard_runs)
    explain_talent_counts()
    time_reports()


# Filling -----------------------------------------------------------------------------------------


def fill(talents: int, contracts: int, seed: int):
    from django.core.management import call_command, get_commands

    from registry.models import Talent, TechContract

    have = Talent.objects.count(), TechContract.objects.count()
    if have[0] >= talents and have[1] >= contracts:
        print(f"database already holds {have[0]} talents and {have[1]} contracts")
    else:
        started = time.perf_counter()
        if "seed_scale" in get_commands():
            call_command("seed_scale", talents=talents, contracts=contracts, seed=seed)
        else:
            SeriesFill(seed).run(talents, contracts)
        print(f"filled {talents} talents and {contracts} contracts in {time.perf_counter() - started:.1f} s")
    _analyze()
    print("rows: " + ", ".join(f"{model.__name__} {model.objects.count()}" for model in _counted_models()))


def _counted_models():
    from registry.models import Commissioner, Organization, Platform, Qualification, Talent, TechContract

    return [Organization, Talent, TechContract, Commissioner, Platform, Qualification]


def _analyze():
    from django.db import connection

    # Fresh statistics and visibility maps, as autovacuum would give a database in service.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


class SeriesFill:
    """Synthetic rows inserted by PostgreSQL itself: INSERT ... SELECT ... FROM generate_series."""

    def __init__(self, seed: int):
        self.seed = seed

    def run(self, talents: int, contracts: int):
        from registry import models as m

        with self.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [1 / (self.seed + 1)])
        organizations = max(talents // 200, 100)
        self.insert(
            m.Organization,
            organizations,
            {
                "name": "'单位' || g",
                "kind": self.pick(["enterprise"] * 4 + ["university", "institute"]),
                "division_id": self.pick_ids(m.Division, 0.1),
                "zone_id": self.pick_ids(m.DevelopmentZone, 0.6),
                "cluster_id": self.pick_ids(m.IndustryCluster, 0.3),
            },
        )
        org = self.pick_ids(m.Organization, 0.05)
        self.insert(
            m.Talent,
            talents,
            {
                "name": "'人才' || g",
                "employer_id": org,
                "tier_id": self.pick_ids(m.TalentTier, 0.7),
                "introduction_mode": self.pick(["full_time", "flexible", "home_grown", ""]),
                "introduced_on": self.day(0.3),
            },
        )
        self.insert(
            m.TechContract,
            contracts,
            {
                "title": "'合同' || g",
                "contract_type_id": self.pick_ids(m.ContractType, 0),
                "contract_amount": "round((random() * 5000000)::numeric, 2)",
                "transaction_amount": "round((random() * 1000000)::numeric, 2)",
                "signed_on": self.day(0.05),
            },
        )
        talent = self.pick_ids(m.Talent, 0)
        self.insert(
            m.Commissioner,
            max(talents // 50, 10),
            {
                "talent_id": talent,
                "kind": self.pick(["agricultural", "enterprise", "three_regions"]),
                "status": "'active'",
                "term_start": self.day(0.2),
            },
        )
        self.insert(
            m.Workstation,
            500,
            {
                "name": "'工作站' || g",
                "host_id": org,
                "kind": self.pick(["enterprise_commissioner", "commissioner_expert", "academician_expert"]),
            },
        )
        self.insert(m.CommissionerTeam, 60, {"name": "'特派团' || g"})
        self.insert(
            m.Platform,
            400,
            {
                "name": "'平台' || g",
                "host_id": org,
                "status": "'operating'",
                "kind": self.pick([k for k, _ in m.Platform.Kind.choices]),
                "level": self.pick([k for k, _ in m.Level.choices] + [""]),
            },
        )
        self.insert(
            m.Project,
            2000,
            {
                "title": "'项目' || g",
                "kind": self.pick([k for k, _ in m.Project.Kind.choices]),
                "status": self.pick([k for k, _ in m.Project.Status.choices]),
            },
        )
        self.insert(
            m.Qualification,
            organizations // 2,
            {
                "organization_id": "(SELECT min(id) FROM registry_organization) + g - 1",
                "kind_id": self.pick_ids(m.QualificationKind, 0),
                "number": "g::text",
            },
        )
        self.insert(
            m.TransferAgency,
            100,
            {
                "organization_id": "(SELECT min(id) FROM registry_organization) + g - 1",
                "level": self.pick([k for k, _ in m.Level.choices]),
            },
        )
        self.insert(
            m.TechnologyBroker,
            3000,
            {
                "talent_id": "(SELECT min(id) FROM registry_talent) + g - 1",
                "level": self.pick(["junior", "intermediate", "senior"]),
            },
        )

    @staticmethod
    def cursor():
        from django.db import connection

        return connection.cursor()

    def insert(self, model, count, expressions):
        """`count` rows of `model`: the given SQL expressions (over g), defaults for other columns."""
        columns, values = [], []
        for field in model._meta.concrete_fields:
            if field.primary_key:
                continue
            columns.append(field.column)
            values.append(expressions.get(field.column, self.default(field)))
        sql = (
            f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM generate_series(1, {int(count)}) AS g"
        )
        with self.cursor() as cursor:
            cursor.execute(sql)

    @staticmethod
    def default(field):
        if field.null:
            return "NULL"
        if field.get_internal_type() == "DateTimeField":
            return "now()"
        if field.get_internal_type() == "BooleanField":
            return "false"
        if field.has_default() and not callable(field.default):
            return repr(field.default) if isinstance(field.default, (int, float)) else f"'{field.default}'"
        return "''"

    @staticmethod
    def pick(values):
        array = ", ".join(f"'{value}'" for value in values)
        return f"(ARRAY[{array}])[1 + floor(random() * {len(values)})::int]"

    @staticmethod
    def pick_ids(model, empty_share):
        """A random existing id of `model` (ids are contiguous: freshly inserted), NULL for a share."""
        table = model._meta.db_table
        pick = f"(SELECT min(id) FROM {table}) + floor(random() * (SELECT count(*) FROM {table}))::int"
        return f"CASE WHEN random() < {empty_share} THEN NULL ELSE {pick} END"

    @staticmethod
    def day(empty_share):
        return f"CASE WHEN random() < {empty_share} THEN NULL ELSE date '2012-01-01' + floor(random() * 5000)::int END"


# Timing ------------------------------------------------------------------------------------------


def _client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench-dashboard").first() or user_model.objects.create_superuser(
        "bench-dashboard", "bench@example.org", None
    )
    client = Client()
    client.force_login(user)
    return client


def _timed(client, url, runs, data=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        for _ in range(2):  # warm-up: connections, templates, translations
            response = client.get(url, data)
            assert response.status_code == 200, response.status_code
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url, data)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, data)
    times.sort()
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    for query in slowest:
        print(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:150]}")
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(queries)


def time_index(runs: int):
    from django.urls import reverse

    client = _client()
    for label, data in (("recounted (?refresh=1)", {"refresh": 1}), ("cached figures", None)):
        median, p95, queries = _timed(client, reverse("admin:index"), runs, data)
        verdict = "OK" if median <= TARGET_MS else "SLOWER THAN TARGET"
        print(
            f"admin index, {label}: median {median:.0f} ms, p95 {p95:.0f} ms, {queries} queries "
            f"({runs} runs; target {TARGET_MS} ms: {verdict})"
        )
    print(f"load average during the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def explain_talent_counts():
    """How PostgreSQL runs the largest dashboard aggregate (an index-only scan is expected)."""
    from django.db import connection
    from django.db.models import Count

    from registry.models import Talent

    queryset = Talent.objects.order_by().values("tier", "introduction_mode").annotate(n=Count("*"))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))


def time_reports():
    from django.urls import reverse

    median, p95, queries = _timed(_client(), reverse("admin:registry_reports"), 3)
    print(f"report page (4 tables): median {median:.0f} ms, p95 {p95:.0f} ms, {queries} queries (3 runs)")
