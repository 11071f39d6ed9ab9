#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster.

    python scripts/with_postgres.py [--keep] -- COMMAND ...

Creates a cluster with initdb in a temporary directory, starts it with pg_ctl listening only
on a unix socket in that directory, runs COMMAND with DATABASE_URL pointing at it, then stops
the cluster and deletes the directory, also when COMMAND fails or is interrupted.
When running as root the server runs as the `postgres` system user (PostgreSQL refuses root).

Without PostgreSQL binaries it prints a loud warning and exits 0, unless REQUIRE_POSTGRES=1,
in which case it exits 1.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from typing import NamedTuple
from urllib.parse import quote

BANNER = "!" * 78


def find_pg_bin() -> str | None:
    """Directory holding initdb and pg_ctl: PATH first, then Debian's versioned directories."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return os.path.dirname(initdb)
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    return os.path.dirname(candidates[-1]) if candidates else None


def as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def run_quiet(cmd: list[str], cwd: str) -> None:
    result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout)
        raise SystemExit(f"with_postgres: {' '.join(cmd)} failed ({result.returncode})")


SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60 -c shared_buffers=256MB"
)


class Cluster(NamedTuple):
    """A throwaway cluster in `root`: its DATABASE_URL, and start/stop (tests take it down and up again)."""

    pg_bin: str
    root: str

    @property
    def url(self) -> str:
        return f"postgres://postgres@{quote(self.root, safe='')}/postgres"

    def pg_ctl(self, *args: str) -> list[str]:
        return as_server_user([os.path.join(self.pg_bin, "pg_ctl"), "-D", os.path.join(self.root, "data"), *args])

    def start(self) -> None:
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.root}' {SERVER_OPTIONS}"
        log = os.path.join(self.root, "server.log")
        run_quiet(self.pg_ctl("-l", log, "-o", options, "-w", "start"), cwd=self.root)

    def stop(self, mode: str = "immediate") -> None:
        subprocess.run(
            self.pg_ctl("-m", mode, "-w", "stop"), cwd=self.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )


@contextmanager
def throwaway_cluster(pg_bin: str):
    cluster = Cluster(pg_bin, tempfile.mkdtemp(prefix="registry-pg-"))
    started = False
    try:
        if os.geteuid() == 0:
            os.chmod(cluster.root, 0o755)
            shutil.chown(cluster.root, user="postgres", group="postgres")
        run_quiet(
            as_server_user(
                [
                    os.path.join(pg_bin, "initdb"),
                    "-D",
                    os.path.join(cluster.root, "data"),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            cwd=cluster.root,
        )
        cluster.start()
        started = True
        yield cluster
    finally:
        if started:
            cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print(__doc__)
        return 2
    command = argv[argv.index("--") + 1 :]
    pg_bin = find_pg_bin()
    if pg_bin is None:
        required = os.environ.get("REQUIRE_POSTGRES") == "1"
        print(BANNER, file=sys.stderr)
        print("!!  PostgreSQL server binaries (initdb, pg_ctl) were not found.", file=sys.stderr)
        if required:
            print("!!  REQUIRE_POSTGRES=1: failing. Install Debian's `postgresql` package.", file=sys.stderr)
        else:
            print("!!  SKIPPING the PostgreSQL half of the tests. Install `postgresql` to run it.", file=sys.stderr)
        print(BANNER, file=sys.stderr)
        return 1 if required else 0

    # Make sure an interrupt still runs the cleanup in the context manager.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with throwaway_cluster(pg_bin) as cluster:
        print(f"with_postgres: throwaway cluster from {pg_bin} at {cluster.url}", flush=True)
        environment = dict(os.environ, DATABASE_URL=cluster.url)
        try:
            return subprocess.call(command, env=environment)
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
