"""The kickoff meeting of a deal, its invitation, and each user's calendar feed."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.api import present
from app.api.access import guarded, public
from app.api.auth import current_actor
from app.api.schemas import HeldIn, KickoffOut, RescheduleIn
from app.extensions import db
from app.services import calendar_feed
from app.services import kickoffs as service
from app.services.deals import get_deal, read_deal

blp = Blueprint("kickoff", __name__, url_prefix="/api/v1", description="Kickoff meetings")

ICS = "text/calendar; charset=utf-8"


def _kickoff(deal_id: int) -> Any:
    deal = get_deal(db.session, deal_id)
    return present.kickoff(db.session, deal, service.get_kickoff(db.session, deal))


@blp.route("/deals/<int:deal_id>/kickoff")
class Kickoff(MethodView):
    @guarded("read")
    @blp.response(200, KickoffOut)
    def get(self, deal_id: int) -> Any:
        """Kickoff state, window, attendees and agenda; times in UTC."""
        return _kickoff(read_deal(db.session, current_actor(), deal_id).id)


@blp.route("/deals/<int:deal_id>/kickoff/reschedule")
class Reschedule(MethodView):
    @guarded("kickoff.reschedule", deal="deal_id")
    @blp.arguments(RescheduleIn)
    @blp.response(200, KickoffOut)
    def post(self, data: dict[str, Any], deal_id: int) -> Any:
        """Move the kickoff to `start` (checked against everyone's time) or the next free slot."""
        service.reschedule(db.session, current_actor(), deal_id, data.get("start"))
        return _kickoff(deal_id)


@blp.route("/deals/<int:deal_id>/kickoff/held")
class Held(MethodView):
    @guarded("kickoff.held", deal="deal_id")
    @blp.arguments(HeldIn)
    @blp.response(200, KickoffOut)
    def post(self, data: dict[str, Any], deal_id: int) -> Any:
        """Record the kickoff as held: when, who came, the minutes."""
        service.mark_held(db.session, current_actor(), deal_id, data)
        return _kickoff(deal_id)


@blp.route("/deals/<int:deal_id>/kickoff.ics")
class KickoffIcs(MethodView):
    @guarded("read")
    @blp.response(200, content_type="text/calendar")
    def get(self, deal_id: int) -> Any:
        """The kickoff invitation as iCalendar (METHOD:REQUEST, or CANCEL when cancelled)."""
        deal = read_deal(db.session, current_actor(), deal_id)
        body = calendar_feed.kickoff_ics(db.session, deal)
        disposition = f'inline; filename="kickoff-{deal_id}.ics"'
        return Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": disposition})


@blp.route("/calendar/<string:feed_token>.ics")
class Feed(MethodView):
    @public
    @blp.response(200, content_type="text/calendar")
    def get(self, feed_token: str) -> Any:
        """A user's subscribable feed of kickoffs and promise due dates (the token is the key)."""
        return Response(calendar_feed.user_feed(db.session, feed_token), mimetype="text/calendar")
