"""Options the customer declined or left pending, clauses reviewed by hand, the kickoff."""

import pytest

from .builders import AGREED, check, codes, day, line, only, order, term

WARRANTY_DECLINED = term(
    "option", 71, name="extended_warranty", sku="WARR-EXT", decision="decline", terms="3 years"
)
WARRANTY_PENDING = term("option", 72, name="extended_warranty", sku="WARR-EXT", decision="pending")
WARRANTY_ACCEPTED = term("option", 73, name="extended_warranty", sku="WARR-EXT", decision="accept")
WARRANTY_LINE = line("WARR-EXT", 1, "50.00")


def test_ordering_a_declined_option_is_blocked_on_its_line():
    found = only(check(order(line("C-300", 10, "8.00"), WARRANTY_LINE), [WARRANTY_DECLINED]))

    assert (found.code, found.severity, found.term_id, found.line, found.field) == (
        "DECLINED_OPTION_ORDERED",
        "block",
        71,
        1,
        "sku",
    )
    assert (found.expected, found.actual) == ("no WARR-EXT (declined)", "WARR-EXT")
    assert found.message == (
        "The order includes WARR-EXT, the extended warranty option, but the customer declined "
        f"it (term 71, {AGREED})."
    )


def test_an_order_without_the_declined_option_is_clear():
    assert check(order(), [WARRANTY_DECLINED]) == []


def test_an_accepted_option_may_be_ordered():
    assert check(order(WARRANTY_LINE), [WARRANTY_ACCEPTED]) == []


def test_a_pending_option_is_flagged_once_per_order():
    found = only(check(order(WARRANTY_LINE, WARRANTY_LINE), [WARRANTY_PENDING]))

    assert (found.code, found.severity, found.term_id, found.line) == (
        "OPTION_DECISION_PENDING",
        "warn",
        72,
        None,
    )
    assert (found.expected, found.actual) == ("accept or decline", "pending")
    assert found.message == (
        "The customer has not yet accepted or declined the extended warranty option "
        f"(term 72, {AGREED}); settle it before the order ships."
    )


def test_a_pending_option_is_flagged_even_when_its_sku_is_not_ordered():
    assert codes(check(order(), [WARRANTY_PENDING])) == ["OPTION_DECISION_PENDING"]


def test_a_signature_accepting_a_pending_option_settles_it():
    accepted = {"extended_warranty": "accept"}

    assert check(order(WARRANTY_LINE), [WARRANTY_PENDING], signed_decisions=accepted) == []


def test_a_signature_declining_a_pending_option_makes_its_sku_declined():
    declined = {"extended_warranty": "decline"}

    found = only(check(order(WARRANTY_LINE), [WARRANTY_PENDING], signed_decisions=declined))

    assert found.code == "DECLINED_OPTION_ORDERED"
    assert "the customer declined it when signing" in found.message
    assert check(order(), [WARRANTY_PENDING], signed_decisions=declined) == []


def test_a_signature_does_not_overturn_a_decision_on_record():
    accepted = {"extended_warranty": "accept"}

    found = check(order(WARRANTY_LINE), [WARRANTY_DECLINED], signed_decisions=accepted)

    assert codes(found) == ["DECLINED_OPTION_ORDERED"]


def test_a_declined_option_is_reported_on_every_line_of_its_sku():
    found = check(
        order(WARRANTY_LINE, line("C-300", 10, "8.00"), WARRANTY_LINE), [WARRANTY_DECLINED]
    )

    assert [(item.code, item.line) for item in found] == [
        ("DECLINED_OPTION_ORDERED", 0),
        ("DECLINED_OPTION_ORDERED", 2),
    ]


# clauses

LOGO = term("clause", 81, text="Customer logo on every carton.", review_on_order=True)


def test_a_clause_reviewed_on_order_puts_a_manual_review_item_on_every_order():
    first, second = check(order(), [LOGO]), check(order(po_number="PO-2"), [LOGO])

    found = only(first)
    assert (found.code, found.severity, found.term_id, found.line, found.field) == (
        "MANUAL_REVIEW",
        "info",
        81,
        None,
        None,
    )
    assert found.message == (
        f"Check by hand before shipping: Customer logo on every carton (term 81, {AGREED})."
    )
    assert second == first


def test_a_clause_not_reviewed_on_order_adds_nothing():
    assert check(order(), [term("clause", 82, text="Be nice", review_on_order=False)]) == []


def test_a_review_item_follows_the_configured_severity_and_who_agreed():
    found = only(check(order(), [LOGO], severities={"MANUAL_REVIEW": "warn"}, agreed={}))

    assert found.severity == "warn"
    assert found.message.endswith("(term 81).")


# kickoff


def test_an_order_shipping_on_the_first_shipment_date_before_the_kickoff_is_blocked():
    found = only(check(order(requested_ship_date="2026-12-18"), kickoff_held=False))

    assert (found.code, found.severity, found.term_id, found.field) == (
        "KICKOFF_NOT_HELD",
        "block",
        None,
        "requested_ship_date",
    )
    assert found.actual == "2026-12-18"
    assert found.message == (
        "The kickoff meeting has not been held, and the order ships on 2026-12-18, on or after "
        "the deal's first shipment date 2026-12-14."
    )


@pytest.mark.parametrize("ship", ["2026-12-16", "2026-12-20"])
def test_shipping_on_or_after_the_first_shipment_date_needs_the_kickoff(ship):
    found = check(
        order(requested_ship_date=ship), kickoff_held=False, first_shipment_date=day("2026-12-16")
    )

    assert codes(found) == ["KICKOFF_NOT_HELD"]


def test_shipping_the_day_before_the_first_shipment_date_needs_no_kickoff_yet():
    assert (
        check(
            order(requested_ship_date="2026-12-15"),
            kickoff_held=False,
            first_shipment_date=day("2026-12-16"),
        )
        == []
    )


def test_an_order_shipping_before_the_first_shipment_date_may_wait_for_the_kickoff():
    early = order(order_date="2026-12-01", requested_ship_date="2026-12-10")

    assert check(early, kickoff_held=False) == []


def test_once_the_kickoff_is_held_orders_ship_freely():
    assert check(order(requested_ship_date="2026-12-18"), kickoff_held=True) == []


def test_once_the_kickoff_deadline_has_passed_every_order_waits_for_the_kickoff():
    early = order(order_date="2026-12-01", requested_ship_date="2026-12-10")

    found = only(check(early, kickoff_held=False, kickoff_deadline_passed=True))

    assert (found.code, found.severity) == ("KICKOFF_NOT_HELD", "block")
    assert found.message == ("The kickoff meeting has not been held, and its deadline has passed.")


def test_a_kickoff_held_late_still_releases_the_orders():
    early = order(order_date="2026-12-01", requested_ship_date="2026-12-10")

    assert check(early, kickoff_held=True, kickoff_deadline_passed=True) == []
