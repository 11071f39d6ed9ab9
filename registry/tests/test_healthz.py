"""/healthz: 200 when the database answers and no migration is pending, 503 with a short reason otherwise.

The end-to-end test serves the project with gunicorn on a throwaway PostgreSQL cluster of its own,
stops the cluster (503) and starts it again (200).
"""

import http.client
import importlib.util
import io
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from unittest import mock

import dj_database_url
from django.core.management import call_command
from django.db import OperationalError
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from registry import health, schema
from registry.backup.archive import archives_in
from registry.backup.database import private_connection

from .backup_support import ON_POSTGRES, ROOT, manage_environment

FUTURE_MIGRATION = ("registry", "9999_not_yet_applied")


def with_a_pending_migration():
    code = dict(schema.code_migrations())
    code[FUTURE_MIGRATION] = ()
    return mock.patch("registry.schema.code_migrations", return_value=code)


class HealthzTests(TestCase):
    def setUp(self):
        health.forget_migration_check()
        self.addCleanup(health.forget_migration_check)

    def test_ok_when_the_database_answers_and_no_migration_is_pending(self):
        response = self.client.get("/healthz")
        self.assertEqual((response.status_code, response.content), (200, b"ok"))
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertFalse(response.cookies)  # no session, no CSRF cookie

    def test_503_when_a_migration_is_pending(self):
        with with_a_pending_migration():
            response = self.client.get("/healthz")
        self.assertEqual((response.status_code, response.content), (503, b"migrations pending: 1"))

    def test_503_without_details_when_the_database_does_not_answer(self):
        secret = 'password authentication failed for user "registry" at db.internal'
        with (
            mock.patch.object(health.connection, "cursor", side_effect=OperationalError(secret)),
            self.assertLogs("registry.health", "WARNING"),
        ):
            response = self.client.get("/healthz")
        self.assertEqual((response.status_code, response.content), (503, b"database unavailable"))

    def test_a_passed_migration_check_is_reused_briefly_and_a_failed_one_never(self):
        with with_a_pending_migration():
            for _ in range(2):
                with CaptureQueriesContext(health.connection) as queries:
                    self.assertEqual(self.client.get("/healthz").status_code, 503)
                self.assertGreater(len(queries), 1)  # checked again each time
        self.assertEqual(self.client.get("/healthz").status_code, 200)
        with with_a_pending_migration(), self.assertNumQueries(1):  # only SELECT 1 while the pass holds
            self.assertEqual(self.client.get("/healthz").status_code, 200)
        health._migrations_ok_until = time.monotonic() - 1  # MIGRATIONS_OK_SECONDS later
        with with_a_pending_migration():
            self.assertEqual(self.client.get("/healthz").status_code, 503)

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_exempt_from_the_https_redirect(self):
        self.assertEqual(self.client.get("/healthz").status_code, 200)
        self.assertEqual(self.client.get("/admin/login/").status_code, 301)

    def test_anonymous_and_the_same_for_every_user(self):
        from .backup_support import make_staff

        self.client.force_login(make_staff("healthz_admin", superuser=True))
        self.assertEqual(self.client.get("/healthz").content, b"ok")


def load_with_postgres():
    """scripts/with_postgres.py, the suite's own throwaway-cluster tool."""
    spec = importlib.util.spec_from_file_location("with_postgres", ROOT / "scripts" / "with_postgres.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@unittest.skipUnless(ON_POSTGRES, "a PostgreSQL cluster that the test stops and starts")
class HealthzWithTheDatabaseStoppedTests(TestCase):
    def test_503_while_the_database_is_stopped_and_200_when_it_is_back(self):
        with_postgres = load_with_postgres()
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        # The committed test database (migrated, reference data), restored into a cluster of our own.
        call_command("backup_registry", "--output", str(folder), stdout=io.StringIO())
        with with_postgres.throwaway_cluster(with_postgres.find_pg_bin()) as cluster:
            call_command(
                "restore_registry",
                str(archives_in(folder)[-1]),
                "--database-url",
                cluster.url,
                "--media-root",
                str(folder / "media"),
                stdout=io.StringIO(),
            )
            self.run_server_through_an_outage(cluster)

    def run_server_through_an_outage(self, cluster):
        with private_connection(dj_database_url.parse(cluster.url)) as db, db.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE app = 'sessions' RETURNING app, name, applied")
            removed = cursor.fetchone()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=manage_environment(cluster.url, ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="1"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(server.wait)
        self.addCleanup(server.terminate)
        self.wait_until_served(port)

        self.assertEqual(get(port, "/healthz"), (503, "migrations pending: 1"))
        with private_connection(dj_database_url.parse(cluster.url)) as db, db.cursor() as cursor:
            cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)", removed)
        self.assertEqual(get(port, "/healthz"), (200, "ok"))
        self.assertEqual(get(port, "/admin/login/")[0], 301)  # plain HTTP goes to HTTPS, /healthz does not

        cluster.stop("fast")
        self.assertEqual(get(port, "/healthz"), (503, "database unavailable"))
        self.assertEqual(get(port, "/healthz"), (503, "database unavailable"))
        cluster.start()
        self.assertEqual(get(port, "/healthz"), (200, "ok"))

    def wait_until_served(self, port: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                get(port, "/healthz")
                return
            except OSError:
                time.sleep(0.2)
        self.fail("gunicorn did not start")
