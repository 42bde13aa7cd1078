"""Load and faults: Handoff under sustained mixed load while its processes are killed and its
database restarts, then a count of what was promised against what is on file.

On a PostgreSQL instance of its own (initdb in a temporary folder, its own port; the machine's
shared server is never touched), it runs gunicorn with several workers, two `flask scheduler
run` processes and an SMTP sink that counts every message it receives. Client threads send
order checks, deal closes, amendments and reads for --seconds; every --kill-every seconds a
gunicorn worker is killed with SIGKILL, PostgreSQL is restarted once, and the mail server is
down for a while. Clients retry what failed in transit (POSTs with the same Idempotency-Key)
and check every answer they get.

Afterwards it prints: requests, errors by kind, acknowledged writes found on file (must be
all), duplicated writes, duplicate and lost messages (must be 0), caps held, and the audit
chain's verification (must pass); it exits 1 if any must-hold fails.

    .venv/bin/python bench/load_and_faults.py [--seconds 60] [--clients 8] [--workers 4]
"""

from __future__ import annotations

import argparse
import contextlib
import email
import glob
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CAP = 60  # units of A-100 each deal may take at the agreed price: small, so caps fill up
RETRY_FOR = 45.0  # seconds a client keeps retrying one request before it gives up


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- a private PostgreSQL ------------------------------------------------------------------

class PrivatePostgres:
    """A throw-away PostgreSQL cluster run as the postgres OS user on a port of its own."""

    def __init__(self, folder: Path) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise SystemExit("PostgreSQL's server binaries are not installed")
        self.bin = Path(found[-1]).parent
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/handoff"
        folder.mkdir(parents=True)
        folder.parent.chmod(0o755)  # the postgres user must reach its folder
        shutil.chown(folder, "postgres", "postgres")
        self._as_postgres("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                          "--no-sync", "-E", "UTF8")
        self.start()
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres",
                             autocommit=True) as conn:
            conn.execute("CREATE DATABASE handoff")

    def _as_postgres(self, tool: str, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / tool), *args],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
                   "-c max_connections=200 -c shared_buffers=64MB")
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"),
                          "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> float:
        """Stop and start again; returns how long the database was away."""
        began = time.monotonic()
        self.stop("fast")
        self.start()
        return time.monotonic() - began

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url) as conn:
            return list(conn.execute(sql, params).fetchall())


# --- the mail server -----------------------------------------------------------------------

class Sink:
    """Counts every message by Handoff's outbox key and by Message-ID."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.lock = threading.Lock()
        self.by_key: dict[str, list[str]] = defaultdict(list)
        self.controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        key = "".join(str(message["X-Handoff-Message"]).split())
        with self.lock:
            self.by_key[key].append(str(message["Message-ID"]))
        return "250 Message accepted for delivery"

    def up(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --- Handoff's processes -------------------------------------------------------------------

class Processes:
    def __init__(self, env: dict[str, str], workers: int, port: int, folder: Path) -> None:
        self.env = {**env, "WEB_CONCURRENCY": str(workers), "BIND": f"127.0.0.1:{port}",
                    "GUNICORN_ACCESS_LOG": str(folder / "access.log"),
                    "GUNICORN_ERROR_LOG": str(folder / "gunicorn.log"),
                    "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics")}
        self.folder = folder
        self.web: subprocess.Popen[bytes] | None = None
        self.schedulers: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        self.web = subprocess.Popen([PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                     "wsgi:app"], cwd=ROOT, env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for n in range(2):
            log = (self.folder / f"scheduler-{n}.log").open("wb")
            self.schedulers.append(subprocess.Popen(
                [PYTHON, "-m", "flask", "--app", "wsgi", "scheduler", "run", "--interval", "1"],
                cwd=ROOT, env=self.env, stdout=log, stderr=log))

    def worker_pids(self) -> list[int]:
        assert self.web is not None
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.web.pid)],
                             capture_output=True, text=True, check=False).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        for process in [*self.schedulers, *([self.web] if self.web else [])]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.schedulers, *([self.web] if self.web else [])]:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PYTHON, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


# --- the client ----------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


class Tally:
    """What the clients saw, shared by all of them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = Counter[str]()
        self.errors = Counter[str]()
        self.wrong: list[str] = []
        self.gave_up = Counter[str]()

    def count(self, kind: str, what: str) -> None:
        with self.lock:
            (self.requests if kind == "request" else self.errors)[what] += 1

    def wrong_answer(self, text: str) -> None:
        with self.lock:
            self.wrong.append(text)


class Client:
    """One person's connection: retries what failed in transit, and nothing else."""

    RETRYABLE = {409: "409 still in progress", 502: "502", 503: "503 database away",
                 504: "504"}

    def __init__(self, port: int, token: str, tally: Tally) -> None:
        self.port = port
        self.token = token
        self.tally = tally
        self.conn: http.client.HTTPConnection | None = None

    def _once(self, method: str, path: str, body: Any, headers: dict[str, str]) -> Answer:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
            **headers})
        response = self.conn.getresponse()
        raw = response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return Answer(response.status, dict(response.getheaders()), parsed)

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None
             = None, label: str = "") -> Answer | None:
        """The answer, retrying through dropped connections and 503s; None when it gave up."""
        headers = dict(headers or {})
        if method == "POST" and "Idempotency-Key" not in headers:
            headers["Idempotency-Key"] = uuid.uuid4().hex
        deadline = time.monotonic() + RETRY_FOR
        pause = 0.1
        while True:
            self.tally.count("request", label or method)
            try:
                answer = self._once(method, path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                self.tally.count("error", f"connection lost ({type(exc).__name__})")
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
            else:
                if answer.status not in self.RETRYABLE:
                    return answer
                self.tally.count("error", self.RETRYABLE[answer.status])
            if time.monotonic() > deadline:
                self.tally.gave_up[label or method] += 1
                return None
            time.sleep(pause + random.random() * pause)
            pause = min(2.0, pause * 2)


# --- the people and their world ------------------------------------------------------------

@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    accounts: list[tuple[int, int]] = field(default_factory=list)  # (account, contact)
    lock: threading.Lock = field(default_factory=threading.Lock)
    deals: dict[int, dict[str, Any]] = field(default_factory=dict)  # acknowledged closes
    versions: dict[tuple[int, int], str] = field(default_factory=dict)  # (deal, n) -> digest
    checks: dict[int, dict[str, Any]] = field(default_factory=dict)  # check id -> what we saw
    refs: Counter[str] = field(default_factory=Counter)

    def some_deal(self, hot: bool = False) -> int | None:
        """Any acknowledged deal; `hot`: one of the first three, which many checks share (so
        concurrent checks meet at their caps)."""
        with self.lock:
            deals = list(self.deals)[:3] if hot else list(self.deals)
            return random.choice(deals) if deals else None


PEOPLE = {"admin": ("admin", "Ada Admin"), "sales": ("sales", "Ana Seller"),
          "account_manager": ("account_manager", "Amy Manager"),
          "fulfillment": ("fulfillment", "Fred Fulfil"), "manager": ("manager", "Mia Boss")}


def make_people(env: dict[str, str], world: World) -> None:
    for role, (flag, name) in PEOPLE.items():
        out = flask(env, "users", "create", f"{role}@load.example", "--name", name, "--role",
                    flag, "--token").strip().splitlines()
        world.ids[role] = int(out[0].split()[2])
        world.tokens[role] = out[-1].strip()


def terms() -> list[dict[str, Any]]:
    today = datetime.now(UTC).date()
    return [
        {"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00"}, "note": "agreed"},
        {"kind": "unit_price", "params": {"sku": "B-200", "price": "38.00"}},
        {"kind": "volume_cap", "params": {"sku": "A-100", "max_quantity": CAP,
                                          "period_start": (today - timedelta(days=30)).isoformat(),
                                          "period_end": (today + timedelta(days=180)).isoformat()}},
    ]


def close_deal(client: Client, world: World) -> None:
    with world.lock:
        account, contact = random.choice(world.accounts)
    ref = f"OPP-{uuid.uuid4().hex[:12]}"
    now = datetime.now(UTC)
    body = {"account_id": account, "title": f"Supply {ref}", "external_ref": ref,
            "currency": "USD", "closed_at": (now - timedelta(hours=1)).isoformat(),
            "first_shipment_date": (now.date() + timedelta(days=30)).isoformat(),
            "sales_owner_id": world.ids["sales"],
            "account_manager_id": world.ids["account_manager"],
            "fulfillment_lead_id": world.ids["fulfillment"], "contact_ids": [contact],
            "terms": terms()}
    answer = client.call("POST", "/api/v1/deals", body, label="close")
    if answer is None:
        return
    if answer.status != 201:
        client.tally.wrong_answer(f"close: {answer.status} {answer.body}")
        return
    deal = answer.body
    version = deal["terms_version"]
    with world.lock:
        world.deals[deal["id"]] = {"ref": ref, "title": body["title"]}
        world.versions[(deal["id"], version["number"])] = version["digest"]
        world.refs[ref] += 1


def amend(client: Client, world: World) -> None:
    deal_id = world.some_deal()
    if deal_id is None:
        return
    current = client.call("GET", f"/api/v1/deals/{deal_id}", label="read")
    if current is None:
        return
    if current.status != 200:
        client.tally.wrong_answer(f"deal {deal_id} read for an amendment: {current.status}")
        return
    body = {"reason": "Agreed by phone with the buyer", "effective_from":
            datetime.now(UTC).date().isoformat(),
            "add": [{"kind": "clause", "params": {"text": f"Note {uuid.uuid4().hex[:8]}",
                                                  "review_on_order": False}}],
            "replace": [], "remove": []}
    answer = client.call("POST", f"/api/v1/deals/{deal_id}/amendments", body,
                         {"If-Match": current.headers.get("ETag", "")}, label="amend")
    if answer is None:
        return
    if answer.status == 412:
        client.tally.count("error", "412 amended meanwhile (refused, as it must be)")
        return
    if answer.status != 201:
        client.tally.wrong_answer(f"amend {deal_id}: {answer.status} {answer.body}")
        return
    with world.lock:
        world.versions[(deal_id, answer.body["number"])] = answer.body["digest"]


def check_order(client: Client, world: World) -> None:
    deal_id = world.some_deal(hot=random.random() < 0.5)
    if deal_id is None:
        return
    today = datetime.now(UTC).date()
    over = random.random() < 0.2
    quantity = random.randint(1, 20)
    order = {"deal_id": deal_id, "po_number": f"PO-{uuid.uuid4().hex[:10]}",
             "order_date": today.isoformat(),
             "requested_ship_date": (today + timedelta(days=3)).isoformat(),
             "currency": "USD",
             "lines": [{"sku": "A-100", "quantity": quantity,
                        "unit_price": "11.00" if over else "10.00"}]}
    answer = client.call("POST", "/api/v1/orders/check", order, label="check")
    if answer is None:
        return
    if answer.status != 200:
        client.tally.wrong_answer(f"check: {answer.status} {answer.body}")
        return
    result = answer.body
    codes = {d["code"] for d in result["deviations"]}
    expected_ok = (result["status"] == "blocked" and "PRICE_ABOVE_AGREED" in codes
                   and codes <= {"PRICE_ABOVE_AGREED", "CAP_EXCEEDED"}) if over else (
        (result["status"] == "clear" and not codes)
        or (result["status"] == "blocked" and codes == {"CAP_EXCEEDED"}))
    if not expected_ok:
        client.tally.wrong_answer(f"check of {order['lines']}: {result['status']} {codes}")
    with world.lock:
        world.checks[result["check_id"]] = {"order_id": result["order_id"],
                                           "status": result["status"], "deal_id": deal_id}


def read(client: Client, world: World) -> None:
    deal_id = world.some_deal()
    if deal_id is None:
        return
    if random.random() < 0.5 or not world.checks:
        answer = client.call("GET", f"/api/v1/deals/{deal_id}", label="read")
        if answer is not None and (answer.status != 200 or answer.body["title"]
                                   != world.deals[deal_id]["title"]):
            client.tally.wrong_answer(f"deal {deal_id}: {answer.status}")
        return
    with world.lock:
        check_id, seen = random.choice(list(world.checks.items()))
    answer = client.call("GET", f"/api/v1/orders/{seen['order_id']}", label="read")
    if answer is None:
        return
    on_file = {c["check_id"]: c["status"] for c in (answer.body or {}).get("checks", [])}
    if answer.status != 200 or on_file.get(check_id) != seen["status"]:
        client.tally.wrong_answer(f"order {seen['order_id']}: {answer.status}, check "
                                  f"{check_id} {on_file.get(check_id)} != {seen['status']}")


OPERATIONS = ((check_order, 0.45, "fulfillment"), (read, 0.35, "manager"),
              (close_deal, 0.10, "sales"), (amend, 0.10, "sales"))


def client_loop(port: int, world: World, tally: Tally, until: float, seed: int) -> None:
    random.seed(seed)
    clients = {role: Client(port, world.tokens[role], tally) for role in
               ("fulfillment", "manager", "sales")}
    weights = [w for _, w, _ in OPERATIONS]
    while time.monotonic() < until:
        operation, _, role = random.choices(OPERATIONS, weights)[0]
        try:
            operation(clients[role], world)
        except Exception as exc:  # a client bug must show, not stop the run
            tally.wrong_answer(f"client error in {operation.__name__}: {exc!r}")


def seed_world(port: int, world: World, tally: Tally, accounts: int, deals: int) -> None:
    admin = Client(port, world.tokens["admin"], tally)
    sales = Client(port, world.tokens["sales"], tally)
    answer = admin.call("POST", "/api/v1/products", [
        {"sku": "A-100", "name": "Widget", "category": "widgets", "list_price": "12.00",
         "currency": "USD"},
        {"sku": "B-200", "name": "Gadget", "category": "gadgets", "list_price": "40.00",
         "currency": "USD"}], label="seed")
    assert answer is not None and answer.status == 201, answer
    for n in range(accounts):
        account = sales.call("POST", "/api/v1/accounts", {
            "name": f"Customer {n}", "external_ref": f"CRM-{n:04d}", "country": "US",
            "timezone": "America/Chicago"}, label="seed")
        assert account is not None and account.status == 201, account
        contact = sales.call("POST", f"/api/v1/accounts/{account.body['id']}/contacts", {
            "name": f"Buyer {n}", "email": f"buyer{n}@customer.example"}, label="seed")
        assert contact is not None and contact.status == 201, contact
        world.accounts.append((account.body["id"], contact.body["id"]))
    for _ in range(deals):
        close_deal(sales, world)


# --- the faults ----------------------------------------------------------------------------

def faults(processes: Processes, postgres: PrivatePostgres, sink: Sink, started: float,
           seconds: float, kill_every: float, restart_at: float, outage: tuple[float, float],
           log: list[str]) -> None:
    next_kill, restarted, smtp_down = kill_every, False, False
    while (elapsed := time.monotonic() - started) < seconds:
        if elapsed >= next_kill:
            pids = processes.worker_pids()
            if pids:
                victim = random.choice(pids)
                os.kill(victim, signal.SIGKILL)
                log.append(f"t={elapsed:4.1f}s SIGKILL gunicorn worker {victim}")
            next_kill += kill_every
        if not restarted and elapsed >= restart_at:
            away = postgres.restart()
            log.append(f"t={elapsed:4.1f}s PostgreSQL restarted (away {away:.1f}s)")
            restarted = True
        if not smtp_down and outage[0] <= elapsed < outage[0] + outage[1]:
            sink.down()
            smtp_down = True
            log.append(f"t={elapsed:4.1f}s mail server down")
        if smtp_down and elapsed >= outage[0] + outage[1]:
            sink.up()
            smtp_down = False
            log.append(f"t={elapsed:4.1f}s mail server back")
        time.sleep(0.05)
    if smtp_down:
        sink.up()
        log.append("mail server back (end of load)")


# --- what is on file afterwards ------------------------------------------------------------

def wait_for_outbox(postgres: PrivatePostgres, limit: float) -> tuple[int, float]:
    began = time.monotonic()
    while True:
        pending = postgres.query("SELECT count(*) FROM outbox WHERE status = 'pending'")[0][0]
        if pending == 0 or time.monotonic() - began > limit:
            return int(pending), time.monotonic() - began
        time.sleep(1)


def verify(postgres: PrivatePostgres, world: World, sink: Sink, env: dict[str, str])\
        -> list[tuple[str, str, bool]]:
    """(what, figure, holds) for every must-hold."""
    results: list[tuple[str, str, bool]] = []
    deals = {row[0]: row[1] for row in postgres.query("SELECT id, external_ref FROM deals")}
    missing_deals = [d for d, seen in world.deals.items() if deals.get(d) != seen["ref"]]
    versions = {(r[0], r[1]): r[2] for r in postgres.query(
        "SELECT deal_id, number, digest FROM terms_versions")}
    missing_versions = [k for k, digest in world.versions.items() if versions.get(k) != digest]
    checks = {r[0]: r[1] for r in postgres.query("SELECT id, status FROM order_checks")}
    missing_checks = [c for c, seen in world.checks.items() if checks.get(c) != seen["status"]]
    acknowledged = len(world.deals) + len(world.versions) + len(world.checks)
    lost = len(missing_deals) + len(missing_versions) + len(missing_checks)
    results.append(("acknowledged writes found afterwards",
                    f"{acknowledged - lost} of {acknowledged} (deals {len(world.deals)}, "
                    f"versions {len(world.versions)}, checks {len(world.checks)})", lost == 0))
    ref_counts = Counter(ref for ref in deals.values() if ref and ref.startswith("OPP-"))
    doubled = sum(n - 1 for n in ref_counts.values() if n > 1)
    results.append(("writes carried out twice (a deal closed twice)", str(doubled),
                    doubled == 0))

    outbox = postgres.query("SELECT dedupe_key, kind, status FROM outbox")
    received = dict(sink.by_key)
    invitations = [r for r in outbox if r[1] in ("invitation", "cancellation")]
    repeated = {k: ids for k, ids in received.items() if len(ids) > 1}
    second_ids = sum(1 for ids in received.values() if len(set(ids)) > 1)
    results.append(("duplicate messages (delivered twice)",
                    f"{len(repeated)} ({second_ids} with a second Message-ID)", not repeated))
    never = [r for r in outbox if r[0] not in received]
    results.append(("lost messages (on file, never delivered)",
                    f"{len(never)} of {len(outbox)} ({len(invitations)} invitations and "
                    f"cancellations); statuses {dict(Counter(r[2] for r in outbox))}",
                    not never))
    strangers = [k for k in received if k not in {r[0] for r in outbox}]
    results.append(("messages delivered that are not on file", str(len(strangers)),
                    not strangers))

    caps = postgres.query(
        "SELECT t.id, (t.params->>'max_quantity')::int, COALESCE(SUM(u.quantity), 0) "
        "FROM terms t LEFT JOIN cap_usage u ON u.term_id = t.id "
        "WHERE t.kind = 'volume_cap' GROUP BY t.id")
    broken = [c for c in caps if c[2] > c[1]]
    full = sum(1 for c in caps if c[2] == c[1])
    results.append(("caps held", f"{len(caps) - len(broken)} of {len(caps)} "
                    f"({full} filled exactly to the cap)", not broken))

    done = subprocess.run([PYTHON, "-m", "flask", "--app", "wsgi", "audit", "verify"], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=False)
    results.append(("audit chain verification", (done.stdout or done.stderr).strip(),
                    done.returncode == 0))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-every", type=float, default=10)
    parser.add_argument("--restart-at", type=float, default=None,
                        help="when PostgreSQL restarts (default: half way)")
    parser.add_argument("--smtp-down", default=None,
                        help="START:SECONDS the mail server is down (default: at 2/3, 8 s)")
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--deals", type=int, default=20)
    args = parser.parse_args()
    restart_at = args.restart_at if args.restart_at is not None else args.seconds / 2
    outage = tuple(float(x) for x in args.smtp_down.split(":")) if args.smtp_down else (
        args.seconds * 2 / 3, 8.0)

    folder = Path(tempfile.mkdtemp(prefix="handoff-load-"))
    say(f"working in {folder}")
    postgres = PrivatePostgres(folder / "pg")
    sink = Sink(free_port())
    sink.up()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": postgres.url, "HANDOFF_ENV_FILE": "/nonexistent",
           "SECRET_KEY": uuid.uuid4().hex, "MAIL_URL": f"smtp://127.0.0.1:{sink.port}",
           "MAIL_FROM": "handoff@load.example", "SCHEDULER_EMBEDDED": "0",
           "LOG_LEVEL": "WARNING", "FLASK_APP": "wsgi"}
    processes = Processes(env, args.workers, port, folder)
    tally, world, fault_log = Tally(), World(), []
    try:
        flask(env, "db", "upgrade")
        make_people(env, world)
        processes.start()
        health = Client(port, "", tally)
        deadline = time.monotonic() + 60
        while (answer := health.call("GET", "/api/v1/health", label="health")) is None \
                or answer.status != 200:
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not start")
        seed_world(port, world, tally, args.accounts, args.deals)
        tally.requests.clear()
        tally.errors.clear()
        say(f"load: {args.clients} clients for {args.seconds:.0f}s against {args.workers} "
            f"workers and 2 schedulers; {len(world.deals)} deals to start with")
        started = time.monotonic()
        threads = [threading.Thread(target=client_loop, args=(port, world, tally,
                                                              started + args.seconds, n))
                   for n in range(args.clients)]
        for thread in threads:
            thread.start()
        faults(processes, postgres, sink, started, args.seconds, args.kill_every, restart_at,
               outage, fault_log)  # type: ignore[arg-type]
        for thread in threads:
            thread.join(RETRY_FOR + 30)
        elapsed = time.monotonic() - started
        say("load over; waiting for the schedulers to empty the outbox")
        pending, waited = wait_for_outbox(postgres, 240)
        processes.stop()
        results = verify(postgres, world, sink, env)
    finally:
        processes.stop()
        sink.down()
        with contextlib.suppress(subprocess.CalledProcessError):
            postgres.stop("fast")

    total = sum(tally.requests.values())
    print("\n# Load and faults")
    print(f"machine: {len(os.sched_getaffinity(0))} cores; {args.workers} gunicorn workers, "
          f"2 schedulers, {args.clients} clients, {elapsed:.0f} s of load")
    print("faults:")
    for line in fault_log:
        print(f"  {line}")
    print(f"requests: {total} ({total / elapsed:.0f}/s), by operation "
          f"{dict(sorted(tally.requests.items()))}")
    print(f"errors seen and retried, by kind: {dict(sorted(tally.errors.items())) or 'none'}")
    print(f"requests given up after {RETRY_FOR:.0f}s of retries: "
          f"{dict(tally.gave_up) or 'none'}")
    print(f"outbox emptied {waited:.0f}s after the load ({pending} still pending)")
    wrong = tally.wrong
    held = [("wrong answers", f"{len(wrong)}" + (f" e.g. {wrong[:3]}" if wrong else ""),
             not wrong), *results]
    print("must hold:")
    for what, figure, ok in held:
        print(f"  [{'ok' if ok else 'FAILED'}] {what}: {figure}")
    if all(ok for _, _, ok in held):
        shutil.rmtree(folder, ignore_errors=True)
        return 0
    print(f"logs kept in {folder} (gunicorn.log, scheduler-*.log, access.log, pg/log)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
