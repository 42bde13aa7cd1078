"""`make bench`: run every benchmark script and print its figures, one after the other (never in
parallel: they would measure each other)."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ("bench_slots.py", "bench_check.py", "bench_brief.py", "bench_http_check.py",
           "bench_batch.py", "bench_schedule.py")


def main() -> int:
    print(f"# Handoff benchmarks — Python {platform.python_version()}, "
          f"{platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores")
    failed = 0
    for name in SCRIPTS:
        print(f"\n## {name}", flush=True)
        result = subprocess.run([sys.executable, str(HERE / name)], cwd=HERE.parent, check=False)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
