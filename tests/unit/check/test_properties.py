"""Properties of the check that hold for any terms and order, checked with Hypothesis."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terms.check import check_order, compile_terms
from terms.order import Order, OrderLine
from terms.resolve import agreed_price

from .builders import CATALOG, ORDER_DATE, context, term

PRICE_CODES = {
    "PRICE_ABOVE_AGREED",
    "PRICE_BELOW_AGREED",
    "DISCOUNT_NOT_APPLIED",
    "TERM_NOT_IN_FORCE",
}
SKUS = ["A-100", "B-200", "C-300", "WARR-EXT"]

relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=150)

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(500), places=2)
percents = st.decimals(min_value=Decimal("0.5"), max_value=Decimal(60), places=1)


@st.composite
def price_terms(draw):
    """Tiers, discounts of every scope and expired prices, with ids."""
    found = []
    next_id = iter(range(1, 1000))
    for sku in draw(st.lists(st.sampled_from(SKUS), max_size=3, unique=True)):
        low = draw(st.integers(1, 50))
        found.append(
            term(
                "unit_price",
                next(next_id),
                sku=sku,
                price=str(draw(prices)),
                max_quantity=low + draw(st.integers(0, 50)),
            )
        )
        found.append(
            term(
                "unit_price", next(next_id), sku=sku, price=str(draw(prices)), min_quantity=low + 51
            )
        )
    scopes = draw(st.lists(st.sampled_from(["sku", "category", "all"]), max_size=3))
    for scope in scopes:
        params = {"percent": str(draw(percents))}
        if scope == "sku":
            params["sku"] = draw(st.sampled_from(SKUS))
        elif scope == "category":
            params["category"] = draw(st.sampled_from(["widgets", "gadgets"]))
        found.append(term("discount", next(next_id), **params))
    if draw(st.booleans()):
        found.append(
            term(
                "unit_price",
                next(next_id),
                sku=draw(st.sampled_from(SKUS)),
                price=str(draw(prices)),
                valid_to="2026-12-01",
            )
        )
    extras = [
        term("quantity_limits", 900, multiple_of=3),
        term(
            "volume_cap", 901, max_quantity=200, period_start="2026-01-01", period_end="2027-12-31"
        ),
        term("option", 902, name="warranty", sku="WARR-EXT", decision="decline"),
    ]
    found.extend(draw(st.lists(st.sampled_from(extras), max_size=3, unique_by=id)))
    return found


lines = st.lists(
    st.tuples(st.sampled_from([*SKUS, "NEW-1"]), st.integers(1, 150), prices),
    min_size=1,
    max_size=5,
)


def an_order(items):
    return Order(
        po_number="PO-1",
        order_date=ORDER_DATE,
        requested_ship_date=ORDER_DATE,
        currency="USD",
        lines=tuple(OrderLine(sku, quantity, price) for sku, quantity, price in items),
    )


@relaxed
@given(terms=price_terms(), items=lines)
def test_a_line_at_exactly_the_agreed_price_never_gets_a_price_deviation(terms, items):
    compiled = compile_terms(terms, ORDER_DATE)
    totals: dict[str, int] = {}
    for sku, quantity, _ in items:
        totals[sku] = totals.get(sku, 0) + quantity
    priced = []
    for sku, quantity, charged in items:
        agreed = agreed_price(sku, totals[sku], compiled, CATALOG.get(sku)).price
        priced.append((sku, quantity, charged if agreed is None else agreed))

    found = check_order(an_order(priced), compiled, context())

    assert {item.code for item in found} & PRICE_CODES == set()


@relaxed
@given(terms=price_terms(), items=lines, cuts=st.lists(st.integers(1, 4), min_size=5, max_size=5))
def test_splitting_a_sku_over_several_lines_never_changes_the_codes(terms, items, cuts):
    compiled = compile_terms(terms, ORDER_DATE)
    split = []
    for (sku, quantity, charged), cut in zip(items, cuts, strict=False):
        parts = min(cut, quantity)
        sizes = [
            quantity // parts + (1 if index < quantity % parts else 0) for index in range(parts)
        ]
        split.extend((sku, size, charged) for size in sizes)

    whole = check_order(an_order(items), compiled, context())
    pieces = check_order(an_order(split), compiled, context())

    assert {item.code for item in whole} == {item.code for item in pieces}


@relaxed
@given(terms=price_terms(), items=lines)
def test_a_line_gets_at_most_one_price_deviation(terms, items):
    found = check_order(an_order(items), compile_terms(terms, ORDER_DATE), context())

    price_lines = [item.line for item in found if item.code in PRICE_CODES | {"NO_AGREED_PRICE"}]
    assert len(price_lines) == len(set(price_lines))
