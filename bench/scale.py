"""Scale benchmark: the talent changelist with a million talents on PostgreSQL, under load.

    make bench BENCH_ARGS="--only scale"                                   # full size (issue 8)
    make bench BENCH_ARGS="--only scale --scale-talents 100000 --scale-contracts 20000"

Seeds the throwaway database (DATABASE_URL) with `seed_scale`, serves it with gunicorn (2 workers)
on loopback, logs in through database sessions, and lets concurrent clients request each URL in
turn; prints p50/p95/max per URL, the queries per page (counted in-process with the test client) and
the plan of each page's main queries (EXPLAIN ANALYZE).

With `--scale-users both` (the default) every URL is requested by a superuser and by a data-entry
user scoped to one division (`--scale-district`, 新城区), one after the other, so the two columns come
from the same run and load (issue 18). The URLs are the talent and contract lists and the reports
page (/admin/reports/, which reads a snapshot per audience: the in-process request before the load
counts each audience's snapshot, the background task's work, and its time is printed; gunicorn runs
with REPORTS_MAX_AGE_SECONDS of a day, so the timed requests read that snapshot).

With `--scale-rows-ab` (the default) every list is also timed in-process with Django's own rows
(items_for_result) and with registry/admin/list_rows.py, alternating request by request, so the
rendering's share is measured side by side in one run.

With `--scale-sidebar both` (the default) two servers run side by side, one with the navigation
sidebar and one without (BENCH_SIDEBAR=0), and each URL is measured on both, one after the other,
so both tables come from the same run and the same machine load.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 300
TARGET_REPORTS_MS = 500
SEARCH_TWO, SEARCH_THREE = "张伟", "王建华"


def add_arguments(parser):
    group = parser.add_argument_group("scale")
    group.add_argument("--scale-talents", type=int, default=1_000_000)
    group.add_argument("--scale-contracts", type=int, default=200_000)
    group.add_argument("--scale-seed", type=int, default=1)
    group.add_argument("--scale-clients", type=int, default=10)
    group.add_argument("--scale-requests", type=int, default=100, help="requests per URL (after warm-up)")
    group.add_argument("--scale-seconds", type=float, default=60, help="time limit per URL")
    group.add_argument("--scale-workers", type=int, default=2, help="gunicorn workers")
    group.add_argument(
        "--scale-sidebar",
        choices=("both", "on", "off"),
        default="both",
        help="measure with the navigation sidebar, without it, or both in the same run",
    )
    group.add_argument(
        "--scale-users",
        choices=("both", "superuser", "scoped"),
        default="both",
        help="request every URL as a superuser, as a district-scoped data-entry user, or both",
    )
    group.add_argument("--scale-district", default="新城区", help="the division of the scoped user")
    group.add_argument(
        "--scale-rows-ab",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time each list in-process with Django's rows and with the registry's, side by side",
    )
    group.add_argument(
        "--scale-think", type=float, default=0, help="seconds each client waits between requests (0: back to back)"
    )
    group.add_argument(
        "--scale-priority",
        type=int,
        default=0,
        help="as root, lower the nice value of gunicorn, PostgreSQL and the clients by this "
        "much, to approximate a dedicated machine when other jobs share the CPUs",
    )


def run(args):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("scale: needs DATABASE_URL of a PostgreSQL database (make bench sets one); skipped")
        return
    setup_django()
    from django.core.management import call_command

    from registry.models import Talent

    call_command("migrate", verbosity=0)
    if Talent.objects.count() < args.scale_talents:
        started = time.monotonic()
        call_command("seed_scale", talents=args.scale_talents, contracts=args.scale_contracts, seed=args.scale_seed)
        print(
            f"scale: seeded {args.scale_talents} talents, {args.scale_contracts} contracts "
            f"in {time.monotonic() - started:.0f} s"
        )
    users = bench_users(args)
    urls = bench_urls(next(iter(users.values())), list(users.values()))
    for user_name, user in users.items():
        print_query_counts_and_plans(urls, user, user_name)
    if args.scale_rows_ab:
        for user_name, user in users.items():
            print_rows_side_by_side(urls, user, user_name)
    variants = {"on": ["with sidebar"], "off": ["without sidebar"], "both": ["with sidebar", "without sidebar"]}
    names = variants[args.scale_sidebar]
    cookies = {user_name: "sessionid=" + session_for(user) for user_name, user in users.items()}
    servers = [gunicorn(args.scale_workers, sidebar=name == "with sidebar") for name in names]
    # results[sidebar][user][url]
    alone: dict[str, dict[str, dict[str, list[float]]]] = {name: {u: {} for u in users} for name in names}
    results: dict[str, dict[str, dict[str, list[float]]]] = {name: {u: {} for u in users} for name in names}
    try:
        for server in servers:
            server.__enter__()
            if args.scale_priority:
                raise_priority(args.scale_priority, server.process.pid)
        for url_name, url in urls.items():
            for name, server in zip(names, servers):
                for user_name, cookie in cookies.items():
                    alone[name][user_name][url_name] = sequential(server.port, url, cookie)
                    results[name][user_name][url_name] = load(server.port, url, cookie, args)
    finally:
        for server in servers:
            server.__exit__(None, None, None)
    for name in names:
        print(f"\nscale: {name}")
        print_results(results[name], alone[name], args)


def bench_users(args) -> dict:
    """{label: user}: the superuser and/or a data-entry user scoped to `args.scale_district`."""
    chosen = {}
    if args.scale_users in ("both", "superuser"):
        chosen["superuser"] = bench_superuser()
    if args.scale_users in ("both", "scoped"):
        chosen[f"scoped {args.scale_district}"] = bench_scoped_user(args.scale_district)
    return chosen


def bench_scoped_user(division_name: str):
    """A data-entry user (the real role group) scoped to the division `division_name`."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from registry import roles
    from registry.models import Division, StaffScope

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench_scoped").first()
    if user is None:
        user = user_model.objects.create_user("bench_scoped", None, secrets.token_urlsafe(24), is_staff=True)
        user.groups.set([Group.objects.get(name=roles.DATA_ENTRY.name)])
        scope = StaffScope.objects.create(user=user)
        scope.divisions.set([Division.objects.get(name=division_name)])
    return user_model.objects.get(pk=user.pk)


def setup_django():
    import warnings

    import django

    # collectstatic has not run in a checkout; static files are not part of this benchmark.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.test.utils import setup_test_environment

    try:
        setup_test_environment()  # lets the in-process test client use "testserver"
    except RuntimeError:
        pass  # another benchmark already did
    from django.urls import clear_url_caches

    import bench.scale_site  # noqa: F401 - registers bench admins where the project has none

    clear_url_caches()


def bench_urls(user, users=()) -> dict[str, str]:
    """The URLs to time; the deep pages exist for every user in `users` (the scoped one sees fewer rows)."""
    from django.conf import settings

    from registry import access
    from registry.models import Talent, TalentTier, TechContract

    def fewest(model) -> int:
        return min(access.scope_queryset(u, model._default_manager.all()).count() for u in [user, *users])

    base = "/" + settings.ADMIN_URL + "registry/talent/"
    tier = TalentTier.objects.order_by("pk").values_list("pk", flat=True).first()
    list_display, list_filter, per_page = talent_changelist_columns(user)
    deep_page = min(500, max(1, fewest(Talent) // per_page))  # page 500 unless run smaller
    urls = {
        "first page": base,
        f"page {deep_page}": base + "?" + urlencode({"p": deep_page}),
        f"search {SEARCH_TWO} (2 chars)": base + "?" + urlencode({"q": SEARCH_TWO}),
        f"search {SEARCH_THREE} (3 chars)": base + "?" + urlencode({"q": SEARCH_THREE}),
    }
    # The project's own TalentAdmin decides which filter and sort exist; skip what it lacks.
    if "tier" in list_filter:
        urls["filter tier"] = base + "?" + urlencode({"tier__id__exact": tier})
    else:
        print("scale: TalentAdmin has no `tier` filter; the filter URL is skipped")
    sort_field = "introduced_on" if "introduced_on" in list_display else "name"
    urls[f"sort {sort_field}"] = base + "?" + urlencode({"o": str(list_display.index(sort_field))})
    contracts = "/" + settings.ADMIN_URL + "registry/techcontract/"
    urls["contracts first page"] = contracts
    contract_page = min(200, max(1, fewest(TechContract) // per_page // 2))
    urls[f"contracts page {contract_page}"] = contracts + "?" + urlencode({"p": contract_page})
    urls["reports"] = "/" + settings.ADMIN_URL + "reports/"
    return urls


def talent_changelist_columns(user) -> tuple[list[str], list[str], int]:
    """The talent changelist's columns (as indexed by the `o` parameter), filter names, page size."""
    from django.contrib import admin
    from django.test import RequestFactory

    from registry.models import Talent

    request = RequestFactory().get("/")
    request.user = user
    changelist = admin.site._registry[Talent].get_changelist_instance(request)
    filters = [str(item[0] if isinstance(item, (tuple, list)) else item) for item in changelist.list_filter]
    return [str(column) for column in changelist.list_display], filters, changelist.list_per_page


def bench_superuser():
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench").first()
    if user is None:
        # A random, unprinted password: the benchmark logs in through a session, never with it.
        user = user_model.objects.create_superuser("bench", None, secrets.token_urlsafe(24))
    return user


def session_for(user) -> str:
    """A database session logged in as `user`, as django.contrib.auth.login would store it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def print_rows_side_by_side(urls: dict[str, str], user, user_name: str, requests: int = 30):
    """In-process service time of each list page with Django's own rows (items_for_result) and with
    registry/admin/list_rows.py, alternating request by request in the same process (median ms)."""
    from django.contrib.admin.templatetags.admin_list import results as django_results
    from django.test import Client

    from registry.admin import list_rows

    ours = list_rows.results
    client = Client()
    client.force_login(user)
    print(f"\nscale: rows rendered by Django vs by list_rows, in-process, {user_name}, median of {requests} each (ms)")
    try:
        for url_name, url in urls.items():
            if url_name == "reports":
                continue
            times: dict[str, list[float]] = {"django": [], "registry": []}
            for index in range(2 * requests + 4):
                kind = "django" if index % 2 else "registry"
                list_rows.results = (lambda cl: list(django_results(cl))) if kind == "django" else ours
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                if index >= 4:  # the first requests fill caches
                    times[kind].append(elapsed)
            django_ms, registry_ms = (statistics.median(times[kind]) for kind in ("django", "registry"))
            ratio = django_ms / registry_ms
            print(f"  {url_name:28} django {django_ms:6.1f}  registry {registry_ms:6.1f}  ratio {ratio:4.2f}")
    finally:
        list_rows.results = ours


def print_query_counts_and_plans(urls: dict[str, str], user, user_name: str = "superuser"):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    print(f"\nscale: {user_name}: queries per page (in-process test client) and plans of the main queries")
    for name, url in urls.items():
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"scale: {url} answered {response.status_code}")
        print(f"  {name:28} {len(queries):3} queries {elapsed:8.0f} ms  {url}")
        if "/reports/" in url:
            continue  # the snapshot's counting queries: timed above, too many to explain one by one
        for query in queries:
            if is_main_query(query["sql"]):
                print(summarise_plan(connection, query["sql"]))


def is_main_query(sql: str) -> bool:
    """The changelist's count and row queries (not session, user, lookups of the filters)."""
    return sql.startswith("SELECT") and ('FROM "registry_talent"' in sql or 'FROM "registry_techcontract"' in sql)


def summarise_plan(connection, sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    kept = [line for line in lines if "Scan" in line or "Execution Time" in line or "Sort" in line[:40]]
    head = "COUNT" if "COUNT(" in sql.upper() else "rows"
    return "\n".join([f"      [{head}] {sql[:110]}..."] + [f"        {line.strip()}" for line in kept[:12]])


class gunicorn:
    """gunicorn serving bench.scale_site on a free loopback port, with production-like settings."""

    def __init__(self, workers: int, sidebar: bool = True):
        self.workers = workers
        self.sidebar = sidebar

    def __enter__(self) -> gunicorn:
        self.port = free_port()
        environment = dict(
            os.environ,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            STATIC_MANIFEST="0",
            SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            BENCH_SIDEBAR="1" if self.sidebar else "0",
            # The reports page reads the snapshot counted before the load (not recounted in a request).
            REPORTS_MAX_AGE_SECONDS="86400",
        )
        executable = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(executable),
                "bench.scale_site:application",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=environment,
        )
        wait_until_up(self.port, self.process)
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, process, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("scale: gunicorn exited")
        try:
            status, _ = fetch(port, "/healthz", "")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("scale: gunicorn did not answer /healthz")


def fetch(port: int, path: str, cookie: str, connection=None) -> tuple[int, bytes]:
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, body


def raise_priority(amount: int, gunicorn_master: int):
    """Renice this process, gunicorn (master and workers) and the PostgreSQL server (its postmaster and
    current backends; new backends inherit the postmaster's value)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    pids = [os.getpid(), *with_children(gunicorn_master), *with_children(parent_pid(backend))]
    for pid in pids:
        os.setpriority(os.PRIO_PROCESS, pid, -amount)
        # With autogroup scheduling, nice only counts inside a session; the session's own nice
        # weighs it against the other sessions.
        autogroup = Path(f"/proc/{pid}/autogroup")
        if autogroup.exists():
            autogroup.write_text(str(-amount))
    print(f"scale: nice -{amount} for processes {pids} and their autogroups")


def parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def with_children(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [pid, *(int(child) for child in children.split())]


def sequential(port: int, url: str, cookie: str, count: int = 20) -> list[float]:
    """Latencies (ms) of one client alone: the service time without queueing."""
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        fetch(port, url, cookie)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def load(port: int, url: str, cookie: str, args) -> list[float]:
    """Latencies (ms) of `args.scale_requests` requests by `args.scale_clients` concurrent clients."""
    for _ in range(4):  # warm-up of both workers, and a check that we are logged in
        status, body = fetch(port, url, cookie)
        marker = b"<table" if "/reports/" in url else b'id="changelist"'
        if status != 200 or marker not in body:
            raise SystemExit(f"scale: {url} answered {status} without its table (not logged in?)")
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = [args.scale_requests]
    deadline = time.monotonic() + args.scale_seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            status, _ = fetch(port, url, cookie, conn)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise SystemExit(f"scale: {url} answered {status}")
            with lock:
                latencies.append(elapsed)
            time.sleep(args.scale_think)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(args.scale_clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def print_results(results: dict[str, dict[str, list[float]]], alone: dict[str, dict[str, list[float]]], args):
    """One line per URL, one group of columns per user (results[user][url])."""
    print(
        f"\nscale: {args.scale_talents} talents, {args.scale_contracts} contracts; gunicorn "
        f"{args.scale_workers} workers; {args.scale_clients} concurrent clients, think time "
        f"{args.scale_think} s; {args.scale_requests} requests per URL; {os.cpu_count()} CPUs, "
        "load average %.1f %.1f %.1f" % os.getloadavg()
    )
    user_names = list(results)
    print(f"  {'':28}" + "".join(f" | {name:^36}" for name in user_names))
    print(f"  {'URL':28}" + f" | {'alone p50':>9} {'n':>4} {'p50':>6} {'p95':>6} {'max':>6}" * len(user_names))
    failed = []
    for url_name in results[user_names[0]]:
        line = f"  {url_name:28}"
        for user_name in user_names:
            latencies = results[user_name][url_name]
            p95 = percentile(latencies, 0.95)
            line += (
                f" | {statistics.median(alone[user_name][url_name]):9.0f} {len(latencies):4} "
                f"{statistics.median(latencies):6.0f} {p95:6.0f} {max(latencies):6.0f}"
            )
            if p95 >= (TARGET_REPORTS_MS if url_name == "reports" else TARGET_P95_MS):
                failed.append(f"{url_name} ({user_name})")
        print(line)
    verdict = "all under" if not failed else "OVER for " + ", ".join(failed) + ";"
    print(f"  p95 targets {TARGET_P95_MS} ms (lists), {TARGET_REPORTS_MS} ms (reports): {verdict}")
