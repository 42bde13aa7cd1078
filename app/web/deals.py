"""Pages for salespeople: deals, closing a deal with its terms, a deal's record (versions,
diffs, signatures, amendments)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from app import clock
from app.api import present
from app.api.schemas import AmendmentIn, DealIn, SignatureIn
from app.db.models import User
from app.errors import DealChanged, InvalidInput, NotAllowed
from app.extensions import db
from app.policy import may
from app.services import deals as deal_service
from app.services import directory, kickoff_preview, record
from app.services.record import Client
from app.web import nav, termsform
from app.web.blueprint import bp
from app.web.forms import an_id, ids, load
from app.web.session import signed_in
from app.web.termsform import Row
from terms.errors import AmendmentInvalid, TermsInvalid
from terms.kinds import describe_term

nav.add(10, "web.deals", "Deals", "sales", "manager", "account_manager", "fulfillment")
nav.add(20, "web.new_deal", "Close a deal", "sales", "manager")

PER_PAGE = 25


@bp.route("/deals")
def deals() -> Any:
    me = signed_in()
    mine = request.args.get("mine", "1" if me.has_role("sales") else "") == "1"
    kickoff = request.args.get("kickoff") or None
    f = deal_service.DealFilter(status=None, account_id=None,
                                owner_id=me.id if mine else None,
                                kickoff=kickoff if kickoff in ("at_risk", "scheduled",
                                                               "unscheduled", "held") else None,
                                q=request.args.get("q") or None)
    page = deal_service.list_deals(db.session, me, f, _page_number(), PER_PAGE)
    rows = [present.deal_summary(db.session, d) for d in page.items]
    return render_template("deals.html", page=page, rows=rows, mine=mine, kickoff=kickoff,
                           q=request.args.get("q", ""))


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return min(number, 100_000) if (number := an_id(raw)) is not None else 1


def _close_form_context(me: User, values: dict[str, Any], rows: list[Row],
                        errors: dict[str, list[str]], preview: Any = None) -> dict[str, Any]:
    return {
        "values": values, "rows": rows, "errors": errors, "preview": preview,
        "kinds": termsform.kinds(),
        "accounts": directory.accounts_with_contacts(db.session),
        "account_managers": directory.people_with_role(db.session, "account_manager"),
        "fulfillment_leads": directory.people_with_role(db.session, "fulfillment"),
        "salespeople": directory.people_with_role(db.session, "sales"),
        "today": clock.today(),
    }


def _close_values() -> dict[str, Any]:
    form = request.form
    return {name: form.get(name, "").strip() for name in (
        "account_id", "title", "external_ref", "currency", "first_shipment_date",
        "account_manager_id", "fulfillment_lead_id", "sales_owner_id")} | {
        "contact_ids": ids(form.getlist("contact_ids"))}


def _edit_rows(rows: list[Row]) -> list[Row]:
    """Add an empty row of the chosen kind, or drop a row, when the person asked to."""
    action = request.form.get("action", "")
    if action == "add" and request.form.get("new_kind") in {k["name"] for k in termsform.kinds()}:
        rows.append(Row(request.form["new_kind"]))
    number = action.removeprefix("remove:")
    row = an_id(number) if number != "0" else 0
    if action.startswith("remove:") and row is not None and row < len(rows):
        del rows[row]
    return rows


def _preview(me: User, values: dict[str, Any]) -> Any:
    chosen = {role: an_id(str(values.get(f"{role}_id", "")))
              for role in ("account_manager", "fulfillment_lead", "sales_owner")}
    people = {role: db.session.get(User, user_id) if user_id is not None else None
              for role, user_id in chosen.items()}
    owner = people["sales_owner"] if me.has_role("manager") and people["sales_owner"] else me
    data, _ = load(DealIn(partial=True), {"first_shipment_date": values["first_shipment_date"]})
    return kickoff_preview.preview(db.session, owner, people["account_manager"],
                                   people["fulfillment_lead"], data.get("first_shipment_date"))


@bp.route("/deals/new", methods=["GET", "POST"])
def new_deal() -> Any:
    me = signed_in()
    if not may(me, "deals.create", owner_id=me.id):
        raise NotAllowed("Deals are closed by salespeople and managers.")
    if request.method == "GET":
        return render_template("deal_new.html", **_close_form_context(
            me, {"currency": "USD"}, [], {}))
    values = _close_values()
    rows = _edit_rows(termsform.rows_from(request.form))
    action = request.form.get("action", "close")
    if action != "close":
        preview = _preview(me, values) if action == "preview" else None
        return render_template("deal_new.html", **_close_form_context(
            me, values, rows, {}, preview))
    deal, errors = _close(me, values, rows)
    if deal is None:
        rest = termsform.attach_errors(rows, errors)
        return render_template("deal_new.html", refused=True, **_close_form_context(
            me, values, rows, rest)), 422
    flash(f"Deal {deal.title} closed: its terms are version 1.")
    return redirect(url_for("web.deal", deal_id=deal.id))


def _close(me: User, values: dict[str, Any], rows: list[Row]) -> tuple[Any, dict[str, list[str]]]:
    raw = {k: v for k, v in values.items() if k != "sales_owner_id" or me.has_role("manager")}
    data, errors = load(DealIn(), raw)
    terms = [termsform.term_json(row) for row in rows]
    if errors:
        return None, errors | termsform.errors_of(terms)
    data["terms"] = terms
    try:
        return deal_service.close_deal(db.session, me, data), {}
    except InvalidInput as refused:
        return None, refused.errors or {"_": [refused.detail]}


@bp.route("/deals/<int:deal_id>")
def deal(deal_id: int) -> Any:
    me = signed_in()
    d = deal_service.read_deal(db.session, me, deal_id)
    body = present.deal(db.session, d)
    versions = [present.version(v, d.currency, db.session, full=True) for v in d.versions]
    notes = record.notes_of(db.session, me, deal_id).items
    return render_template("deal.html", deal=d, body=body, versions=versions,
                           notes=[present.note(n) for n in notes],
                           contacts={c.id: c for c in d.account.contacts},
                           pending_me=[p for p in body["acknowledgements"]["pending"]
                                       if p["user_id"] == me.id])


@bp.route("/deals/<int:deal_id>/diff")
def diff(deal_id: int) -> Any:
    me = signed_in()
    d = deal_service.read_deal(db.session, me, deal_id)
    newest = d.versions[-1].number
    new = _version_arg("b", newest, newest)
    old = _version_arg("a", max(new - 1, 1), newest)
    changes = None
    if old != new:
        _, _, found = record.diff(db.session, me, deal_id, new, old)
        changes = {
            "added": [describe_term(t, d.currency) for t in found.added],
            "removed": [describe_term(t, d.currency) for t in found.removed],
            "changed": [(describe_term(c.old, d.currency), describe_term(c.new, d.currency))
                        for c in found.changed],
        }
    return render_template("deal_diff.html", deal=d, old=old, new=new, changes=changes,
                           versions=d.versions)


def _version_arg(name: str, default: int, newest: int) -> int:
    raw = request.args.get(name, "")
    number = an_id(raw)
    return number if number is not None and number <= newest else default


@bp.route("/deals/<int:deal_id>/signatures/new", methods=["GET", "POST"])
def sign_terms(deal_id: int) -> Any:
    me = signed_in()
    d = deal_service.read_deal(db.session, me, deal_id)
    if not may(me, "signatures.record", deal=d):
        raise NotAllowed("Signatures are recorded by the deal's salesperson or a manager.")
    number = _version_arg("version", d.versions[-1].number, d.versions[-1].number)
    version = record.get_version(db.session, d, number)
    options = [t for t in present.version(version, d.currency)["terms"] if t["kind"] == "option"]
    if request.method == "GET":
        return render_template("deal_sign.html", deal=d, version=version, options=options,
                               values={}, errors={})
    form = request.form
    raw = {"version": number, "typed_name": form.get("typed_name", "").strip(),
           "signer": {"contact_id": contact} if (contact := an_id(form.get("contact_id")))
           else {},
           "decisions": [{"option": o["params"]["name"],
                          "decision": form.get(f"decision-{o['params']['name']}", "")}
                         for o in options if form.get(f"decision-{o['params']['name']}")]}
    data, errors = load(SignatureIn(), raw)
    if not errors:
        try:
            record.sign(db.session, me, deal_id, data, Client(
                ip=request.remote_addr or "", user_agent=request.headers.get("User-Agent", "")))
        except InvalidInput as refused:
            errors = refused.errors or {"_": [refused.detail]}
    if errors:
        return render_template("deal_sign.html", deal=d, version=version, options=options,
                               values=form, errors=errors), 422
    flash(f"Signature of {data['typed_name']} on version {number} recorded.")
    return redirect(url_for("web.deal", deal_id=deal_id))


@bp.route("/deals/<int:deal_id>/amend", methods=["GET", "POST"])
def amend(deal_id: int) -> Any:
    me = signed_in()
    d = deal_service.read_deal(db.session, me, deal_id)
    if not may(me, "terms.amend", deal=d):
        raise NotAllowed("Only the deal's salesperson or a manager amends its terms.")
    current = present.version(d.versions[-1], d.currency)["terms"]
    if request.method == "GET":
        rows = [termsform.row_from_term(t) for t in current]
        return render_template("deal_amend.html", deal=d, rows=rows, kinds=termsform.kinds(),
                               values={"effective_from": clock.today().isoformat()},
                               errors={}, etag=deal_service.etag(d))
    rows = _edit_rows(termsform.rows_from(request.form))
    values = {"reason": request.form.get("reason", "").strip(),
              "effective_from": request.form.get("effective_from", "").strip()}
    if request.form.get("action", "amend") != "amend":
        return render_template("deal_amend.html", deal=d, rows=rows, kinds=termsform.kinds(),
                               values=values, errors={}, etag=request.form.get("etag", ""))
    errors = _amend(me, d, current, rows, values)
    if errors:
        rest = termsform.attach_errors(rows, errors)
        return render_template("deal_amend.html", deal=d, rows=rows, kinds=termsform.kinds(),
                               values=values, errors=rest, refused=True,
                               etag=request.form.get("etag", "")), 422
    flash(f"Version {d.versions[-1].number} recorded: {values['reason']}")
    return redirect(url_for("web.deal", deal_id=deal_id))


def _amendment(current: list[dict[str, Any]], rows: list[Row]) -> dict[str, Any]:
    """The edited rows as an amendment: kept rows unchanged, changed rows replace their term,
    new rows are added, and terms with no row left are removed."""
    by_id = {t["id"]: t for t in current}
    add, replace, kept = [], [], set()
    for n, row in enumerate(rows):
        body = termsform.term_json(row)
        old = by_id.get(row.term_id) if row.term_id is not None else None
        if old is None:
            add.append((n, body))
            continue
        kept.add(row.term_id)
        if termsform.term_json(termsform.row_from_term(old)) != body:
            replace.append((n, {"term_id": row.term_id, **body}))
    remove = [term_id for term_id in by_id if term_id not in kept]
    return {"add": add, "replace": replace, "remove": remove}


def _amend(me: User, d: Any, current: list[dict[str, Any]], rows: list[Row],
           values: dict[str, Any]) -> dict[str, list[str]]:
    """Record the amendment; its errors come back keyed by the editor's rows."""
    change = _amendment(current, rows)
    positions = {("add", i): n for i, (n, _) in enumerate(change["add"])}
    positions |= {("replace", i): n for i, (n, _) in enumerate(change["replace"])}
    raw = {**values, "add": [b for _, b in change["add"]],
           "replace": [b for _, b in change["replace"]], "remove": change["remove"]}
    data, errors = load(AmendmentIn(), raw)
    if errors:
        return _positioned(errors, positions)
    if not (data["add"] or data["replace"] or data["remove"]):
        return {"_": ["Nothing was changed: edit, add or remove a term first."]}
    try:
        record.amend(db.session, me, d.id, data, request.form.get("etag") or None)
    except DealChanged as stale:
        return {"_": [f"{stale.detail} Reload the page to amend the newest version."]}
    except (InvalidInput, TermsInvalid, AmendmentInvalid) as refused:
        return _positioned(refused.errors or {"_": [str(refused)]}, positions)
    return {}


def _positioned(errors: dict[str, list[str]], positions: dict[tuple[str, int], int])\
        -> dict[str, list[str]]:
    renamed: dict[str, list[str]] = {}
    for key, messages in errors.items():
        head, _, rest = key.partition(".")
        index, _, tail = rest.partition(".")
        where = key
        if head in ("add", "replace") and index.isdigit() and (head, int(index)) in positions:
            where = f"terms.{positions[(head, int(index))]}" + (f".{tail}" if tail else "")
        renamed.setdefault(where, []).extend(messages)
    return renamed
