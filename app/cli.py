"""Command line: `flask users|demo|audit|scheduler|orders|brief ...`."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.errors import HandoffError
from app.extensions import db

users_cli = AppGroup("users", help="Manage the people who use Handoff.")
audit_cli = AppGroup("audit", help="Check the tamper-evident audit log.")
demo_cli = AppGroup("demo", help="Demonstration data.")
scheduler_cli = AppGroup("scheduler", help="The process that sends invitations and reminders.")
orders_cli = AppGroup("orders", help="Check orders against the terms in force.")


def _fail(exc: HandoffError) -> None:
    click.echo(f"Error: {exc.detail}", err=True)
    for field, messages in exc.errors.items():
        click.echo(f"  {field}: {'; '.join(messages)}", err=True)
    sys.exit(2)


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", "roles", multiple=True, required=True,
              help="sales, account_manager, fulfillment, manager or admin; repeat for several.")
@click.option("--password", default=None, help="For signing in to the web pages.")
@click.option("--timezone", default="UTC", show_default=True)
@click.option("--country", default=None, help="ISO country code for public holidays.")
@click.option("--token", "with_token", is_flag=True,
              help="Also issue an API token, printed alone on the last line.")
def create_user(email: str, name: str, roles: tuple[str, ...], password: str | None,
                timezone: str, country: str | None, with_token: bool) -> None:
    """Create a user."""
    from app.services.users import create_user as create
    from app.services.users import issue_token

    try:
        user = create(db.session, None, {"email": email, "name": name, "roles": list(roles),
                                         "password": password, "timezone": timezone,
                                         "country": country})
        click.echo(f"Created user {user.id} <{user.email}> with roles {', '.join(user.roles)}.")
        if with_token:
            click.echo(issue_token(db.session, None, user.id, "command line").secret)
    except HandoffError as exc:
        _fail(exc)


@audit_cli.command("verify")
def verify() -> None:
    """Recompute the hash chain; exit 1 naming the first bad event."""
    from app.audit import verify as run

    result = run(db.session)
    if result.ok:
        click.echo(f"OK: {result.events} events, head {result.head}")
        return
    click.echo(f"BROKEN at event {result.first_bad_event}: {result.reason} "
               f"({result.events} events verified before it)", err=True)
    sys.exit(1)


@audit_cli.command("head")
def head() -> None:
    """Print the head hash, for anchoring outside Handoff."""
    from app.audit import head_hash

    click.echo(head_hash(db.session))


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has deals.")
def demo_load(if_empty: bool) -> None:
    """Load a realistic demo data set: accounts, people, deals in every state."""
    from app.demo import load_demo

    try:
        summary = load_demo(db.session, if_empty=if_empty)
    except HandoffError as exc:
        _fail(exc)
        return
    click.echo(summary)


@scheduler_cli.command("run")
@click.option("--interval", default=10, show_default=True, help="Seconds between rounds.")
def scheduler_run(interval: int) -> None:
    """Run the scheduler jobs until stopped."""
    from app.scheduler import run_forever

    run_forever(current_app._get_current_object(), interval)  # type: ignore[attr-defined]


@click.command("brief")
@with_appcontext
@click.argument("deal_id", type=int)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="Where to write the .docx (default: its own file name here).")
@click.option("--version", "number", type=int, default=None, help="A terms version number.")
def brief(deal_id: int, output: str | None, number: int | None) -> None:
    """Write the Word terms brief of a deal."""
    from app.services.briefs import render
    from app.services.deals import get_deal

    try:
        name, content = render(db.session, get_deal(db.session, deal_id), number)
    except HandoffError as exc:
        _fail(exc)
        return
    path = output or name
    with open(path, "wb") as handle:
        handle.write(content)
    click.echo(f"Wrote {path} ({len(content):,} bytes).")


@orders_cli.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as", "email", required=True, help="The email of the user checking the orders.")
@click.option("-o", "--results", "results_path", type=click.Path(dir_okay=False), default=None,
              help="Per-order results: JSON Lines, or CSV when the name ends in .csv "
                   "(default: PATH.results.jsonl).")
def check_orders(path: str, email: str, results_path: str | None) -> None:
    """Check a CSV, JSON Lines or UBL XML file of orders; prints a summary."""
    import json
    import os

    from app import exports
    from app.intake.errors import IntakeError
    from app.services import batches
    from app.services.users import user_by_email

    actor = user_by_email(db.session, email)
    if actor is None:
        raise click.UsageError(f"There is no user {email}.")
    out_path = results_path or f"{path}.results.jsonl"
    summary = batches.Summary()
    try:
        with open(path, "rb") as raw, open(out_path, "w", encoding="utf-8", newline="") as out, \
                click.progressbar(length=os.path.getsize(path), label="Checking",
                                  file=sys.stderr) as bar:
            as_csv = out_path.lower().endswith(".csv")
            if as_csv:
                out.write(exports.csv_line(exports.BATCH_COLUMNS))
            for result in _results(raw, path, actor):
                summary.add(result)
                if as_csv:
                    out.write(exports.csv_line(exports.batch_row(result)))
                else:
                    out.write(json.dumps(result, default=str) + "\n")
                bar.update(raw.tell() - bar.pos)
    except IntakeError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    except HandoffError as exc:
        _fail(exc)
    body = summary.as_json()
    click.echo(f"{body['orders']} orders: " + ", ".join(
        f"{n} {status}" for status, n in sorted(body["by_status"].items())))
    for code, n in body["by_code"].items():
        click.echo(f"  {code}: {n}")
    click.echo(f"Results: {out_path}")


def _results(raw: Any, path: str, actor: Any) -> Any:
    from app.intake.batch import detect_format
    from app.intake.ubl import order_from_ubl
    from app.services import batches
    from app.services.orders import check

    if detect_format(path, None, raw.peek(512)[:512]) == "ubl":
        yield check(db.session, actor, order_from_ubl(raw.read()), "ubl").as_json()
        return
    yield from batches.check_batch(db.session, actor, batches.items_from(raw, path, None))


def register_cli(app: Flask) -> None:
    app.cli.add_command(brief)
    for group in (users_cli, audit_cli, demo_cli, scheduler_cli, orders_cli):
        app.cli.add_command(group)
