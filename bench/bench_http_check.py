"""Single order checks over HTTP: the app under gunicorn on PostgreSQL, 16 concurrent clients.

    .venv/bin/python bench/bench_http_check.py [--duration S] [--workers N] [--sweep]

A throw-away database on the local PostgreSQL server is migrated and seeded with deals of 12
terms (``orders_world.py``). Then ``wrk`` (16 connections, 2 threads, its Lua script
``wrk_orders.lua``) posts 5-line orders to ``POST /api/v1/orders/check`` for a fixed time: a
mix of deals, mostly clear orders with some flagged and blocked, one in ten naming the account
instead of the deal, half of them new POs and half re-checks of POs already on file. In the same
run and the same way it GETs ``/api/v1/ping``, the app's bare JSON endpoint (no database), so
the figures can be read against what the stack itself costs on this machine.

Printed: requests/s, p50/p90/p99 latency and errors of both, the statuses the checks answered,
the checks stored (they must match the answers), and the CPU time that went to the app's
workers, to PostgreSQL's backends and to wrk. Targets: at least 900 checks/s with p99 at most
40 ms. ``--sweep`` runs short rounds over worker models and counts instead, to choose them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orders_world
from sqlalchemy import create_engine, text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LUA = HERE / "wrk_orders.lua"
TARGET_RPS, TARGET_P99_MS = 900, 40.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Server:
    worker_class: str = "sync"
    workers: int = 3
    threads: int = 1

    def __str__(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"gunicorn {self.worker_class}, {self.workers} workers{threads}"


# --- the requests ---------------------------------------------------------------------------


def write_bodies(world: orders_world.World, path: Path, count: int, seed: int = 7) -> None:
    """``count`` order bodies, one JSON document per line, in the order wrk sends them."""
    rng = random.Random(seed)
    dates = orders_world.order_dates()
    with path.open("w") as out:
        for _ in range(count):
            n = rng.randrange(len(world.deal_ids))
            kind = orders_world.pick_kind(rng)
            po = f"PO-{n}-R{rng.randrange(20)}" if rng.random() < 0.5 else f"PO-{n}-N@NEW@"
            by_account = world.account_refs[n] if rng.random() < 0.1 else None
            body = orders_world.order_body(n, world.deal_ids[n], po, kind, rng.choice(dates),
                                           by_account)
            out.write(json.dumps(body, separators=(",", ":")) + "\n")


# --- processes and their CPU time -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a live process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return found


def backend_pids(url: str) -> list[int]:
    """PostgreSQL's server processes serving the benchmark's database."""
    name = url.rsplit("/", 1)[1]
    engine = create_engine(orders_world._psycopg(orders_world.ADMIN_URL))
    with engine.connect() as conn:
        pids = [int(p) for p in conn.scalars(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = :name"), {"name": name})]
    engine.dispose()
    return pids


def start_server(url: str, server: Server, port: int, instance: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "MAIL_URL": "",
           "SCHEDULER_EMBEDDED": "0", "HANDOFF_ENV_FILE": os.devnull}
    command = [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}",
               "--workers", str(server.workers), "--worker-class", server.worker_class,
               "--threads", str(server.threads), "--backlog", "256",
               "--worker-tmp-dir", "/dev/shm", "--chdir", str(ROOT), "wsgi:app"]
    log = instance / "gunicorn.log"
    with log.open("ab") as sink:
        process = subprocess.Popen(command, env=env, cwd=instance, stdout=sink, stderr=sink)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ping", timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(log.read_text()) from None
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


# --- a run of wrk ---------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    result: dict[str, Any]
    cpu: dict[str, float]

    @property
    def rps(self) -> float:
        return self.result["requests"] / (self.result["duration_us"] / 1e6)

    @property
    def errors(self) -> int:
        return sum(self.result["errors"].values())

    def ms(self, key: str) -> float:
        return float(self.result[key]) / 1000


def run_wrk(name: str, url: str, seconds: float, clients: int, wrk_args: list[str],
            server: subprocess.Popen[bytes], db_url: str) -> Run:
    workers = [server.pid, *children(server.pid)]
    backends = backend_pids(db_url)
    before = {"app": sum(cpu_seconds(p) for p in workers),
              "postgres": sum(cpu_seconds(p) for p in backends)}
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    output = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
         "-s", str(LUA), url, "--", *wrk_args], capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    backends = sorted(set(backends) | set(backend_pids(db_url)))
    cpu = {"app": sum(cpu_seconds(p) for p in workers) - before["app"],
           "postgres": sum(cpu_seconds(p) for p in backends) - before["postgres"],
           "wrk": usage.ru_utime + usage.ru_stime - wrk_before, "wall": wall}
    line = next(line for line in output.splitlines() if line.startswith("{"))
    return Run(name, json.loads(line), cpu)


def start_py_spy(pid: int, seconds: float, out: Path) -> subprocess.Popen[bytes]:
    """Sample the app's workers while they hold the GIL (running Python, not waiting for
    PostgreSQL or the network) during a run; collapsed stacks."""
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/py-spy"), "record", "--pid", str(pid), "--subprocesses",
         "--nonblocking", "--gil", "--rate", "250", "--duration", str(max(1, round(seconds))),
         "--format", "raw", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stored_checks(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT status, count(*) FROM order_checks GROUP BY status"))
        counts = {status: int(n) for status, n in rows}
    engine.dispose()
    return counts


# --- the benchmark --------------------------------------------------------------------------


def measure(world: orders_world.World, server: Server, seconds: float, clients: int,
            bodies: Path, instance: Path, warmup: float, profile: bool = False)\
        -> tuple[Run, Run]:
    port = free_port()
    process = start_server(world.url, server, port, instance)
    base = f"http://127.0.0.1:{port}/api/v1"
    check_args = ["check", str(bodies), world.token]
    try:
        run_wrk("warm-up", base + "/ping", warmup, clients, ["get"], process, world.url)
        run_wrk("warm-up", base + "/orders/check", warmup, clients, check_args, process,
                world.url)
        bare = run_wrk("bare JSON  GET /api/v1/ping", base + "/ping", seconds, clients,
                       ["get"], process, world.url)
        spy = start_py_spy(process.pid, seconds, instance / "profile.txt") if profile else None
        checks = run_wrk("order check POST /api/v1/orders/check", base + "/orders/check",
                         seconds, clients, check_args, process, world.url)
        if spy is not None:
            spy.wait(timeout=60)
    finally:
        stop_server(process)
    return bare, checks


def print_runs(runs: list[Run]) -> None:
    print(f"  {'':40s} {'req/s':>8s} {'p50 ms':>8s} {'p90 ms':>8s} {'p99 ms':>8s} "
          f"{'max ms':>8s} {'errors':>7s}")
    for run in runs:
        print(f"  {run.name:40s} {run.rps:8.0f} {run.ms('p50_us'):8.2f} {run.ms('p90_us'):8.2f} "
              f"{run.ms('p99_us'):8.2f} {run.ms('max_us'):8.1f} {run.errors:7d}")
    print("  CPU seconds per second of the run (2 cores = 2.00):")
    for run in runs:
        share = {k: v / run.cpu["wall"] for k, v in run.cpu.items() if k != "wall"}
        per_request_ms = sum(run.cpu[k] for k in ("app", "postgres")) / max(
            run.result["requests"], 1) * 1000
        print(f"  {run.name:40s} app {share['app']:.2f}  postgres {share['postgres']:.2f}  "
              f"wrk {share['wrk']:.2f}   app+postgres {per_request_ms:.2f} ms CPU a request")


def sweep(world: orders_world.World, args: argparse.Namespace, bodies: Path,
          instance: Path) -> None:
    candidates = [Server("sync", n) for n in (2, 3, 4, 6)] + [
        Server("gthread", n, t) for n, t in ((2, 2), (2, 4), (3, 2), (4, 2))]
    print(f"sweep: {args.sweep_seconds:.0f} s rounds, {args.clients} clients")
    for server in candidates:
        bare, checks = measure(world, server, args.sweep_seconds, args.clients, bodies,
                               instance, warmup=2)
        print(f"  {server!s:36s} checks {checks.rps:6.0f}/s p99 {checks.ms('p99_us'):6.1f} ms"
              f" | bare {bare.rps:6.0f}/s p99 {bare.ms('p99_us'):6.1f} ms"
              f" | errors {checks.errors + bare.errors}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of each run (30)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--deals", type=int, default=50)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sweep", action="store_true", help="compare worker models instead")
    parser.add_argument("--sweep-seconds", type=float, default=8.0)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--profile", action="store_true",
                        help="sample the workers with py-spy during the check run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it: apt-get install wrk)")
        return 1

    with tempfile.TemporaryDirectory() as folder, \
            orders_world.throwaway_database(keep=args.keep_db) as url:
        instance = Path(folder)
        app = orders_world.bench_app(url, instance / "instance")
        orders_world.migrate(app)
        world = orders_world.seed(app, args.deals, url)
        bodies = instance / "bodies.jsonl"
        write_bodies(world, bodies, 4000)
        if args.sweep:
            sweep(world, args, bodies, instance)
            return 0
        server = Server(args.worker_class, args.workers, args.threads)
        print(f"{server}; PostgreSQL {url.rsplit('/', 1)[1]} on 127.0.0.1; wrk -t2 "
              f"-c{args.clients}; {args.duration:.0f} s each; {args.deals} deals of 12 terms, "
              "5-line orders")
        bare, checks = measure(world, server, args.duration, args.clients, bodies, instance,
                               warmup=3, profile=args.profile)
        print_runs([bare, checks])
        answered = {k: checks.result[k] for k in ("clear", "flagged", "blocked", "other")}
        print(f"  statuses answered (measured run): {answered}")
        print(f"  checks stored (warm-up and run):  {stored_checks(url)}")
        met = checks.rps >= TARGET_RPS and checks.ms("p99_us") <= TARGET_P99_MS \
            and checks.errors == 0
        print(f"target >= {TARGET_RPS} checks/s with p99 <= {TARGET_P99_MS:.0f} ms: "
              f"{'met' if met else 'MISSED'} ({checks.rps:.0f}/s, p99 "
              f"{checks.ms('p99_us'):.1f} ms)")
        if args.profile:
            orders_world.print_profile(instance / "profile.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
