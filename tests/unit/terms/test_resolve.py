from dataclasses import replace

from terms.resolve import terms_in_force, version_in_force

from .builders import day, parsed, price, stored, version

V1 = version(1, day("2026-11-20"), stored(price("A-100", "10.00"), 51))
V2 = version(2, day("2027-01-01"), stored(price("A-100", "9.50"), 60, replaces_id=51))
V3 = version(3, day("2027-07-01"), stored(price("A-100", "9.00"), 70, replaces_id=60))


def test_no_version_is_in_force_before_the_first_takes_effect():
    assert version_in_force([V1, V2], day("2026-11-19")) is None
    assert terms_in_force([V1, V2], day("2026-11-19")) is None


def test_no_versions_means_nothing_in_force():
    assert version_in_force([], day("2027-01-01")) is None


def test_a_version_is_in_force_from_its_effective_date():
    assert version_in_force([V1, V2], day("2026-11-20")) is V1
    assert version_in_force([V1, V2], day("2026-12-31")) is V1
    assert version_in_force([V1, V2], day("2027-01-01")) is V2


def test_the_newest_version_in_effect_wins_whatever_the_list_order():
    assert version_in_force([V3, V1, V2], day("2027-03-01")) is V2
    assert version_in_force([V3, V1, V2], day("2027-07-01")) is V3


def test_an_amendment_effective_in_the_future_leaves_today_on_the_old_version():
    assert version_in_force([V1, V2, V3], day("2027-06-30")) is V2


def test_a_later_amendment_backdated_before_an_earlier_one_wins_from_its_date():
    backdated = version(4, day("2027-02-01"), stored(price("A-100", "8.00"), 80))

    assert version_in_force([V1, V2, V3, backdated], day("2027-02-01")) is backdated
    assert version_in_force([V1, V2, V3, backdated], day("2027-01-15")) is V2
    assert version_in_force([V1, V2, V3, backdated], day("2027-08-01")) is backdated


def test_terms_outside_their_window_are_left_out():
    promo = replace(
        stored(parsed("discount", percent="10"), 52),
        valid_from=day("2026-12-01"),
        valid_to=day("2026-12-31"),
    )
    v1 = version(1, day("2026-11-20"), stored(price(), 51), promo)

    before = terms_in_force([v1], day("2026-11-30"))
    first = terms_in_force([v1], day("2026-12-01"))
    last = terms_in_force([v1], day("2026-12-31"))
    after = terms_in_force([v1], day("2027-01-01"))

    assert before is not None and [t.id for t in before.terms] == [51]
    assert first is not None and [t.id for t in first.terms] == [51, 52]
    assert last is not None and [t.id for t in last.terms] == [51, 52]
    assert after is not None and [t.id for t in after.terms] == [51]
    assert after.version is v1


def test_in_force_keeps_the_version_even_when_every_term_is_out_of_window():
    expired = replace(stored(price(), 51), valid_to=day("2026-12-31"))
    v1 = version(1, day("2026-11-20"), expired)

    found = terms_in_force([v1], day("2027-01-01"))

    assert found is not None
    assert found.version is v1
    assert found.terms == ()
