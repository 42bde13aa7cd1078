"""Deviation codes, their default severities, their JSON and an order's status."""

import dataclasses

import pytest

from terms.deviations import (
    CODES,
    DEFAULT_SEVERITIES,
    SEVERITIES,
    Deviation,
    deal_deviation,
    invalid_severities,
    order_status,
    to_json,
)


def test_every_code_of_the_specification_is_known_once():
    assert len(CODES) == len(set(CODES)) == 21
    assert set(DEFAULT_SEVERITIES) == set(CODES)


def test_the_default_severities_are_those_of_the_specification():
    blocking = {code for code, severity in DEFAULT_SEVERITIES.items() if severity == "block"}
    informative = {code for code, severity in DEFAULT_SEVERITIES.items() if severity == "info"}

    assert blocking == {
        "PRICE_ABOVE_AGREED",
        "CURRENCY_MISMATCH",
        "DECLINED_OPTION_ORDERED",
        "CAP_EXCEEDED",
        "KICKOFF_NOT_HELD",
        "UNKNOWN_DEAL",
        "AMBIGUOUS_DEAL",
    }
    assert informative == {"MANUAL_REVIEW"}
    assert DEFAULT_SEVERITIES["PRICE_BELOW_AGREED"] == "warn"
    assert SEVERITIES == ("block", "warn", "info")


def test_the_default_severities_cannot_be_changed_by_accident():
    with pytest.raises(TypeError):
        DEFAULT_SEVERITIES["MANUAL_REVIEW"] = "block"  # type: ignore[index]


def test_a_deviation_is_written_in_the_shape_of_the_api():
    item = Deviation(
        "PRICE_ABOVE_AGREED", "block", "Too dear.", 51, 0, "unit_price", "9.00", "10.00"
    )

    assert to_json(item) == {
        "code": "PRICE_ABOVE_AGREED",
        "severity": "block",
        "term_id": 51,
        "line": 0,
        "field": "unit_price",
        "expected": "9.00",
        "actual": "10.00",
        "message": "Too dear.",
    }


def test_an_order_with_nothing_above_info_is_clear():
    review = Deviation("MANUAL_REVIEW", "info", "Look at it.")

    assert order_status([]) == "clear"
    assert order_status([review]) == "clear"


def test_an_order_with_a_warning_is_flagged_and_with_a_block_is_blocked():
    review = Deviation("MANUAL_REVIEW", "info", "Look at it.")
    warning = Deviation("PRICE_BELOW_AGREED", "warn", "Cheap.")
    block = Deviation("PRICE_ABOVE_AGREED", "block", "Dear.")

    assert order_status([review, warning]) == "flagged"
    assert order_status([warning, block, review]) == "blocked"


def test_an_unknown_deal_is_a_deviation_of_the_whole_order_blocked_by_default():
    item = deal_deviation("UNKNOWN_DEAL", "No deal has account ref CRM-9.")

    assert item == Deviation("UNKNOWN_DEAL", "block", "No deal has account ref CRM-9.")
    assert (item.term_id, item.line, item.field) == (None, None, None)


def test_an_ambiguous_deal_follows_the_configured_severity():
    item = deal_deviation("AMBIGUOUS_DEAL", "Two deals match.", {"AMBIGUOUS_DEAL": "warn"})

    assert item.severity == "warn"


def test_a_deal_deviation_needs_a_known_code():
    with pytest.raises(ValueError, match="NOT_A_CODE"):
        deal_deviation("NOT_A_CODE", "?")


def test_a_partial_severity_setting_falls_back_to_the_defaults():
    assert deal_deviation("UNKNOWN_DEAL", "?", {"MANUAL_REVIEW": "warn"}).severity == "block"


def test_severity_settings_name_unknown_codes_and_severities():
    assert invalid_severities({"MANUAL_REVIEW": "warn", "PRICE_BELOW_AGREED": "block"}) == {}
    assert invalid_severities({"NOPE": "warn", "CAP_EXCEEDED": "fatal"}) == {
        "NOPE": ["is not a deviation code"],
        "CAP_EXCEEDED": ["must be one of: block, warn, info"],
    }


def test_a_deviation_is_immutable():
    item = Deviation("MANUAL_REVIEW", "info", "Look at it.")

    with pytest.raises(dataclasses.FrozenInstanceError):
        item.severity = "block"  # type: ignore[misc]
