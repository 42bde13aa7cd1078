"""The manager's dashboard figures on the database itself (SQLite, and PostgreSQL in its
pass): deviations grouped by week, code and salesperson; deals at risk; what waits."""

from __future__ import annotations

from datetime import UTC, datetime

from app.demo import load_demo
from app.extensions import db
from app.services import reports
from app.services.users import user_by_email

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def test_the_dashboard_counts_the_demos_deviations_week_by_week(app) -> None:
    app.config["NOW"] = lambda: NOW
    with app.app_context():
        load_demo(db.session)
        mia = user_by_email(db.session, "mia@handoff.example")
        assert mia is not None
        board = reports.dashboard(db.session, mia, weeks=12)
        counts = board.counts
        assert counts.weeks[0].isoformat() == "2026-08-31"
        assert counts.total == 9
        # HMS-4103 (2 Oct), HMS-4109 (13 Nov) and ACME-7002 (20 Nov)
        assert counts.by_code["PAYMENT_TERMS_MISMATCH"] == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1]
        assert "MANUAL_REVIEW" not in counts.by_code
        assert {name: sum(n) for name, n in counts.by_salesperson.items()} == {
            "Sven Nilsson": 8, "Ana Seller": 1}
        assert [d.title for d, _ in board.at_risk] == ["Holiday rush order"]
        assert [o.po_number for o in board.blocked] == ["HMS-4107"]
        assert board.open_questions == 1
