"""Pages for account managers: their kickoffs on a timeline, the brief, marking a kickoff held,
acknowledging a terms version, logging a conversation and its promises."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from app import clock
from app.api.schemas import HeldIn, NoteIn
from app.errors import InvalidInput
from app.extensions import db
from app.policy import may, require
from app.services import briefs, kickoff_board, kickoffs, record
from app.services import deals as deal_service
from app.web import nav, timeline
from app.web.blueprint import bp
from app.web.filters import reader_zone
from app.web.forms import an_id, ids, load
from app.web.session import signed_in

nav.add(30, "web.my_kickoffs", "My kickoffs", "account_manager", "manager")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROMISE_ROWS = 3


@bp.route("/kickoffs")
def my_kickoffs() -> Any:
    me = signed_in()
    everyone = request.args.get("everyone") == "1" and may(me, "kickoffs.everyone")
    items = kickoff_board.board(db.session, me, everyone=everyone)
    zone = reader_zone()
    picture = timeline.layout(items, clock.now().astimezone(zone).date(), zone)
    return render_template("kickoffs.html", items=items, picture=picture, everyone=everyone)


@bp.route("/deals/<int:deal_id>/brief.docx")
def brief(deal_id: int) -> Any:
    name, content = briefs.brief_for(db.session, signed_in(), deal_id,
                                     an_id(request.args.get("version")))
    return Response(content, mimetype=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _in_reader_zone(typed: str) -> str:
    """The wall-clock time typed on the form, with the reader's offset, for the API's schema
    to read (and to refuse, naming the field, when it is no time at all)."""
    try:
        moment = datetime.fromisoformat(typed)
    except ValueError:
        return typed
    return (moment.replace(tzinfo=reader_zone()) if moment.tzinfo is None else moment)\
        .isoformat()


@bp.route("/deals/<int:deal_id>/kickoff/held", methods=["GET", "POST"])
def mark_held(deal_id: int) -> Any:
    me = signed_in()
    deal = deal_service.read_deal(db.session, me, deal_id)
    require(me, "kickoff.held", deal=deal)
    people = kickoffs.required_people(deal)
    now_local = clock.now().astimezone(reader_zone()).strftime("%Y-%m-%dT%H:%M")
    if request.method == "GET":
        return render_template("kickoff_held.html", deal=deal, people=people, errors={},
                               values={"held_at": now_local,
                                       "attendee_ids": [p.id for p in people]})
    values = {"held_at": request.form.get("held_at", ""),
              "minutes": request.form.get("minutes", ""),
              "attendee_ids": ids(request.form.getlist("attendee_ids"))}
    data, errors = load(HeldIn(), {
        "held_at": _in_reader_zone(values["held_at"]) if values["held_at"] else None,
        "minutes": values["minutes"], "attendee_ids": values["attendee_ids"]})
    if not errors:
        try:
            kickoffs.mark_held(db.session, me, deal_id, data)
        except InvalidInput as refused:
            errors = refused.errors or {"_": [refused.detail]}
    if errors:
        return render_template("kickoff_held.html", deal=deal, people=people, errors=errors,
                               values=values), 422
    flash("The kickoff is recorded as held.")
    return redirect(url_for("web.deal", deal_id=deal_id))


@bp.route("/deals/<int:deal_id>/acknowledge", methods=["POST"])
def acknowledge(deal_id: int) -> Any:
    number = an_id(request.form.get("version"))
    if number is None:
        raise InvalidInput.field("version", "Say which version you acknowledge.")
    record.acknowledge(db.session, signed_in(), deal_id, number)
    flash(f"You acknowledged version {number}.")
    return redirect(url_for("web.deal", deal_id=deal_id))


def _promises() -> list[dict[str, str]]:
    rows = [{"text": request.form.get(f"promise-{n}-text", "").strip(),
             "due": request.form.get(f"promise-{n}-due", "").strip()}
            for n in range(PROMISE_ROWS)]
    return [row for row in rows if row["text"] or row["due"]]


@bp.route("/deals/<int:deal_id>/notes/new", methods=["GET", "POST"])
def new_note(deal_id: int) -> Any:
    me = signed_in()
    deal = deal_service.read_deal(db.session, me, deal_id)
    require(me, "notes.write", deal=deal)
    if request.method == "GET":
        return render_template("note_new.html", deal=deal, values={}, errors={},
                               rows=PROMISE_ROWS)
    raw = {"channel": request.form.get("channel", "call"),
           "contact_id": request.form.get("contact_id", ""),
           "text": request.form.get("text", "").strip(), "promises": _promises()}
    data, errors = load(NoteIn(), raw)
    if not errors:
        try:
            record.add_note(db.session, me, deal_id, data)
        except InvalidInput as refused:
            errors = refused.errors or {"_": [refused.detail]}
    if errors:
        return render_template("note_new.html", deal=deal, values=request.form, errors=errors,
                               rows=PROMISE_ROWS), 422
    flash("The conversation is on record" + (
        f" with {len(data['promises'])} promise(s) to keep." if data["promises"] else "."))
    return redirect(url_for("web.deal", deal_id=deal_id))
