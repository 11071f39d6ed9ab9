"""PostgreSQL: pg_dump --format=custom from an exported snapshot, pg_restore in one transaction.

The backup opens a REPEATABLE READ transaction, exports its snapshot, counts the rows of every
table in it and has pg_dump read that same snapshot (--snapshot): the counts in the manifest are
exactly the dump's, and a transaction that commits meanwhile (an import being applied) is either
wholly in both or wholly absent from both.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from .database import DatabaseCopy, Settings, private_connection, take_inventory

MEMBER = "database/registry.pgdump"
DEBIAN_TOOLS = "/usr/lib/postgresql/*/bin/"
LOCK_WAIT = "120s"  # pg_dump gives up instead of waiting forever behind a migration's lock
# Django's OPTIONS that libpq's command-line tools take as environment variables.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class ToolError(RuntimeError):
    """pg_dump or pg_restore is missing, too old, or failed."""


def tool_major(path: str) -> int | None:
    try:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    return int(match.group(1)) if match else None


def debian_major(path: str) -> int:
    """15 for /usr/lib/postgresql/15/bin/pg_dump."""
    part = Path(path).parts[4]
    return int(part) if part.isdigit() else 0


def find_tool(name: str, server_major: int) -> str:
    """`name` (pg_dump, pg_restore) of the server's major version or newer: PATH first, then Debian's directories."""
    debian = sorted(glob.glob(DEBIAN_TOOLS + name), key=debian_major, reverse=True)
    for path in [shutil.which(name), *debian]:
        if path and (tool_major(path) or 0) >= server_major:
            return path
    raise ToolError(
        f"找不到 PostgreSQL {server_major} 或更新版本的 {name}, 请安装 postgresql-client-{server_major} "
        f"(no {name} of PostgreSQL {server_major} or newer)"
    )


def libpq_environment(settings_dict: Settings) -> dict[str, str]:
    """The environment naming the database for pg_dump/pg_restore; the password never goes on a command line."""
    environment = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(option) is not None:
            environment[variable] = str(settings_dict["OPTIONS"][option])
    return environment


def run_tool(arguments: list[str], settings_dict: Settings) -> None:
    result = subprocess.run(arguments, env=libpq_environment(settings_dict), capture_output=True, text=True)
    if result.returncode != 0:
        detail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise ToolError(f"{Path(arguments[0]).name} 失败 (failed, exit {result.returncode}): {detail}")


def version_text(server_version: int) -> str:
    return f"{server_version // 10000}.{server_version % 10000}"


def dump(connection, staging: Path) -> DatabaseCopy:
    path = staging / "registry.pgdump"
    with private_connection(connection.settings_dict) as private:
        private.ensure_connection()
        private.set_autocommit(False)
        try:
            with private.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            inventory = take_inventory(private)
            server = private.pg_version
            run_pg_dump(find_tool("pg_dump", server // 10000), snapshot, path, private.settings_dict)
        finally:
            private.rollback()
    return DatabaseCopy(path, MEMBER, "postgresql", version_text(server), inventory)


def run_pg_dump(pg_dump: str, snapshot: str, path: Path, settings_dict: Settings) -> None:
    """pg_dump of the database as the exported `snapshot` shows it (the exporting transaction stays open)."""
    run_tool(
        [
            pg_dump,
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--lock-wait-timeout={LOCK_WAIT}",
            "--no-password",
            f"--file={path}",
            f"--dbname={settings_dict['NAME']}",
        ],
        settings_dict,
    )


def restore(settings_dict: Settings, path: Path, force: bool) -> None:
    """pg_restore in one transaction: the target gets the whole dump or stays as it was.

    Owners, privileges and comments are not restored: the objects belong to the user restoring
    them, who need not be a superuser (pg_trgm is a trusted extension the database owner may create).
    """
    with private_connection(settings_dict) as target:
        server_major = target.pg_version // 10000
    arguments = [
        find_tool("pg_restore", server_major),
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={settings_dict['NAME']}",
    ]
    if force:
        arguments += ["--clean", "--if-exists"]
    run_tool([*arguments, str(path)], settings_dict)
