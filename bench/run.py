#!/usr/bin/env python
"""`make bench`: run the benchmarks and print their figures.

    python bench/run.py [--only NAME[,NAME]] [options of the benchmarks]

Each benchmark is a module `bench/<name>.py` with `add_arguments(parser)` and `run(args)`.
`make bench` runs this under scripts/with_postgres.py, so DATABASE_URL names a throwaway PostgreSQL
cluster; benchmarks that compare with SQLite create their own temporary SQLite file.
"""

import argparse
import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ["impexp", "dashboard", "scale", "api", "xlsx_writer", "duplicates"]


def available() -> list[str]:
    return [name for name in BENCHMARKS if (ROOT / "bench" / f"{name}.py").exists()]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated benchmarks: " + ", ".join(available()))
    modules = {name: importlib.import_module(f"bench.{name}") for name in available()}
    for module in modules.values():
        module.add_arguments(parser)
    args = parser.parse_args()
    chosen = [name for name in args.only.split(",") if name] or list(modules)
    for name in chosen:
        print(f"\n===== benchmark: {name} =====", flush=True)
        modules[name].run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
