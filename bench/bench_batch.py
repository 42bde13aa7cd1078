"""A batch of 100,000 orders of 5 lines against 10,000 deals, checked and stored.

    .venv/bin/python bench/bench_batch.py [--orders N] [--deals N] [--database sqlite]

A throw-away PostgreSQL database on the local server is migrated and seeded with deals of 12
terms (``orders_world.py``); a JSON Lines file of orders is written: a mix of deals in random
order, mostly clear orders with some flagged and blocked, one in ten naming the account instead
of the deal, one in ten a re-check of a PO sent earlier in the file. Then a fresh process runs
``flask orders check FILE`` on it — the command itself, through Click's test runner, so the
orders go through the same service code as the batch endpoint: read as a stream, checked in
chunks, orders, checks, deviations and cap usage stored, a results file written. Printed:
orders/s (the command's own wall time, start-up excluded), the peak memory (RSS high-water mark)
of that process, and what was stored. Targets: at least 20,000 orders/s with peak memory under
500 MB. ``--database sqlite`` runs the same on a SQLite file instead (not a target; reported
when asked). ``--profile`` prints the top of a cProfile of the command.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orders_world
from sqlalchemy import create_engine, text

TARGET_RATE, TARGET_MB = 20_000, 500


def write_orders(world: orders_world.World, path: Path, count: int, seed: int = 11)\
        -> dict[str, int]:
    """``count`` orders as JSON Lines; returns how many of each kind were written."""
    rng = random.Random(seed)
    dates = orders_world.order_dates()
    sent: list[tuple[int, str]] = []
    kinds = {"clear": 0, "flagged": 0, "blocked": 0, "re-checks": 0, "by account": 0}
    with path.open("w") as out:
        for number in range(count):
            if sent and rng.random() < 0.1:
                n, po = rng.choice(sent)
                kinds["re-checks"] += 1
            else:
                n, po = rng.randrange(len(world.deal_ids)), f"PO-{number:07d}"
                sent.append((n, po))
            kind = orders_world.pick_kind(rng)
            kinds[kind] += 1
            by_account = world.account_refs[n] if rng.random() < 0.1 else None
            kinds["by account"] += by_account is not None
            body = orders_world.order_body(n, world.deal_ids[n], po, kind, rng.choice(dates),
                                           by_account)
            out.write(json.dumps(body, separators=(",", ":")) + "\n")
    return kinds


# --- the command, in a process of its own --------------------------------------------------


def run_command(url: str, path: str, email: str, profile: bool) -> None:
    """Child process: ``flask orders check PATH --as EMAIL``; prints its figures as JSON."""
    import cProfile
    import pstats

    app = orders_world.bench_app(url, Path(path).parent / "instance-run")
    runner = app.test_cli_runner()
    profiler = cProfile.Profile(time.process_time) if profile else None
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = runner.invoke(args=["orders", "check", path, "--as", email,
                                 "-o", path + ".results.jsonl"])
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"the command failed ({result.exit_code}): {result.output}"
                         f"{result.exception!r}")
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(25)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": seconds, "peak_kb": usage.ru_maxrss,
                      "cpu": usage.ru_utime + usage.ru_stime - cpu_before,
                      "postgres_cpu": postgres_cpu(url),
                      "output": result.output.splitlines()}))


def postgres_cpu(url: str) -> float | None:
    """CPU seconds of the PostgreSQL server processes serving ``url`` so far (they were
    started for the command), read from /proc; None on SQLite or another host."""
    if not url.startswith("postgresql"):
        return None
    engine = create_engine(orders_world._psycopg(orders_world.ADMIN_URL))
    with engine.connect() as conn:
        pids = list(conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = :db"),
                                 {"db": url.rsplit("/", 1)[1]}))
    engine.dispose()
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# --- the benchmark --------------------------------------------------------------------------


@contextmanager
def database(kind: str, folder: Path, keep: bool) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    with orders_world.throwaway_database(keep=keep) as url:
        yield url


def stored(url: str) -> dict[str, Any]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {table: int(conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
                  for table in ("orders", "order_checks", "order_deviations", "cap_usage",
                                "audit_events")}
        counts["checks by status"] = dict(conn.execute(text(
            "SELECT status, count(*) FROM order_checks GROUP BY status ORDER BY status")).all())
    engine.dispose()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--deals", type=int, default=10_000)
    parser.add_argument("--database", default="postgresql", choices=("postgresql", "sqlite"))
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the command")
    parser.add_argument("--py-spy", action="store_true",
                        help="sample the command with py-spy and print where its time went")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--child", nargs=3, metavar=("URL", "FILE", "EMAIL"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_command(*args.child, profile=args.profile)
        return 0

    with tempfile.TemporaryDirectory() as folder, \
            database(args.database, Path(folder), args.keep_db) as url:
        started = time.perf_counter()
        app = orders_world.bench_app(url, Path(folder) / "instance")
        orders_world.migrate(app)
        world = orders_world.seed(app, args.deals, url)
        orders = Path(folder) / "orders.jsonl"
        kinds = write_orders(world, orders, args.orders)
        prepared = time.perf_counter() - started
        print(f"{args.database}: {args.deals} deals of 12 terms; {args.orders} orders of 5 "
              f"lines in {orders.stat().st_size / 1e6:.1f} MB of JSON Lines {kinds}; "
              f"prepared in {prepared:.0f} s")
        command = [sys.executable, __file__, "--child", url, str(orders), world.actor_email]
        if args.profile:
            command.append("--profile")
        spied = Path(folder) / "profile.txt"
        if args.py_spy:
            command = [str(orders_world.ROOT / ".venv/bin/py-spy"), "record", "--gil",
                       "--rate", "200", "--format", "raw", "--output", str(spied), "--",
                       *command]
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            print(child.stdout, child.stderr)
            return 1
        if args.profile:
            print(child.stderr)
        if args.py_spy:
            orders_world.print_profile(spied, top=30)
        figures = json.loads(next(line for line in reversed(child.stdout.splitlines())
                                  if line.startswith("{")))
        rate = args.orders / figures["seconds"]
        peak_mb = figures["peak_kb"] / 1024
        print(f"  flask orders check:   {figures['seconds']:8.2f} s   {rate:8.0f} orders/s")
        print(f"  peak memory (RSS):    {peak_mb:8.0f} MB of the process that ran the command")
        cpu, pg_cpu = figures["cpu"], figures["postgres_cpu"]
        print(f"  CPU time:             {cpu:8.2f} s of the command's process"
              f" ({cpu / args.orders * 1e6:.0f} µs an order)"
              + (f", {pg_cpu:.2f} s of PostgreSQL's ({pg_cpu / args.orders * 1e6:.0f} µs an "
                 "order)" if pg_cpu is not None else ""))
        for line in figures["output"]:
            print(f"  | {line}")
        print(f"  stored: {stored(url)}")
        met = rate >= TARGET_RATE and peak_mb < TARGET_MB
        print(f"target >= {TARGET_RATE} orders/s with peak memory < {TARGET_MB} MB: "
              f"{'met' if met else 'MISSED'} ({rate:.0f}/s, {peak_mb:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
