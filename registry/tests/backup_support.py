"""Shared set-up for the backup and health tests: scratch databases, manage.py in another process, page texts.

A scratch database is empty and of the suite's vendor: on PostgreSQL a new database owned by a new
role without superuser rights (as in production) on the test cluster, on SQLite a new file.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import connection
from django.test import Client

from registry.backup.database import private_connection
from registry.models import StaffScope
from registry.signals import on_login

ROOT = Path(settings.BASE_DIR)
LOGIN_AUDIT = "registry_audit_login"  # registry.signals.connect's dispatch_uid
ON_POSTGRES = connection.vendor == "postgresql"
# What differs between two renderings of the same data: CSRF tokens and the dashboard's "figures as of" time.
VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+|(数据截至 |Figures as of )[^，,]+')


def make_staff(username: str, role=None, divisions=(), superuser=False):
    """A staff user without a password (tests log in with force_login; no slow password hashing)."""
    user = get_user_model().objects.create_user(username, is_staff=True, is_superuser=superuser)
    if role is not None:
        user.groups.set(Group.objects.filter(name=role.name))
    if divisions:
        StaffScope.objects.create(user=user).divisions.set(divisions)
    return user


def reload_reference_data() -> None:
    """Put back the lookup lists of migration 0002 after a TransactionTestCase emptied the tables."""
    importlib.import_module("registry.migrations.0002_reference_data").load(django_apps, None)


def database_url(settings_dict: dict, name: str | None = None, user: str | None = None) -> str:
    """DATABASE_URL for `settings_dict`, optionally another database or user on the same server."""
    name = name or settings_dict["NAME"]
    if "sqlite" in settings_dict["ENGINE"]:
        return f"sqlite:///{name}"
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict.get("PASSWORD") and not user else ""
    user = user or settings_dict["USER"]
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{quote(user, safe='')}{password}@{quote(settings_dict['HOST'] or '', safe='')}{port}/{name}"


@contextmanager
def scratch_database(folder: Path):
    """The URL of a new, empty database of the suite's vendor; removed afterwards."""
    if not ON_POSTGRES:
        yield f"sqlite:///{folder / f'scratch-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    name = f"scratch_{uuid.uuid4().hex[:10]}"
    with private_connection(connection.settings_dict, alias="scratch_admin") as admin, admin.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN")
        cursor.execute(f"CREATE DATABASE {name} OWNER {name}")
    try:
        yield database_url(connection.settings_dict, name=name, user=name)
    finally:
        with private_connection(connection.settings_dict, alias="scratch_admin") as admin, admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            cursor.execute(f"DROP ROLE IF EXISTS {name}")


def file_copy_of_test_database(path: Path) -> str:
    """SQLite: the (in-memory) test database copied to a file other processes can open; its URL."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return f"sqlite:///{path}"


def live_database_url() -> str:
    """A URL other processes can use for the data of this test: the test database itself on PostgreSQL."""
    return database_url(connection.settings_dict)


def manage_environment(database: str, media_root: Path | None = None, **extra: str) -> dict[str, str]:
    environment = dict(os.environ, DATABASE_URL=database, **extra)
    if media_root is not None:
        environment["MEDIA_ROOT"] = str(media_root)
    return environment


def manage(*args: str, database: str, media_root: Path | None = None, **extra: str) -> subprocess.CompletedProcess:
    """manage.py in another process against `database` (the suite's settings otherwise)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=manage_environment(database, media_root, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )


def file_checksums(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under `root`."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def render_pages(pages: list[tuple[str, str]]) -> list[list]:
    """[status, lines] of each (user name, path) as that user sees it, volatile parts blanked.

    The lines are sorted: rows whose sort keys are equal may come in another order from a restored
    copy (PostgreSQL returns ties in physical order); any other difference shows. Logging in for
    the rendering writes no audit event, so the audit log pages compare too.
    """
    cache.clear()
    result = []
    user_logged_in.disconnect(dispatch_uid=LOGIN_AUDIT)
    try:
        for username, path in pages:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            response = client.get(path)
            text = response.content.decode("utf-8") if response.status_code == 200 else response.get("Location", "")
            result.append([response.status_code, sorted(VOLATILE.sub(r"\1\2-", text).splitlines())])
    finally:
        user_logged_in.connect(on_login, dispatch_uid=LOGIN_AUDIT)
    return result


RENDER_SCRIPT = """
import json, os
from django.test.utils import setup_test_environment
setup_test_environment()
from registry.tests.backup_support import render_pages
print(json.dumps(render_pages(json.loads(os.environ["PAGES"]))))
"""


def render_pages_elsewhere(pages: list[tuple[str, str]], database: str, media_root: Path) -> list[list]:
    """render_pages in another process on another database (a restored one)."""
    script = ("shell", "--no-imports", "-c", RENDER_SCRIPT)
    result = manage(*script, database=database, media_root=media_root, PAGES=json.dumps(pages))
    if result.returncode != 0:
        raise AssertionError(result.stdout + result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])
