"""Checking an order against the terms in force on its order date: fast, pure, no I/O.

A version's terms are compiled once per order date (:func:`compile_terms`) into indexes and
one small checker per kind; :func:`check_order` then runs them over an order. Each kind's
module says how it checks an order (``compile_check``); the price of a line is settled here,
across the price kinds, by :mod:`terms.resolve`, because its precedence spans several kinds.

Decisions where the specification is silent, taken as fulfillment would expect:

- Quantities are checked per SKU over the whole order, as tiers are: a SKU split over lines
  is one quantity, and a quantity deviation names the SKU's first line. A quantity_limits term
  for a SKU overrides, limit by limit, one for every product.
- A line in a currency the catalog price is not in has no usable list price. A line without
  an agreed price gets ``NO_AGREED_PRICE``, unless its price is that of a price term outside its
  window (``TERM_NOT_IN_FORCE``, which is also preferred to the other price deviations).
- ``NO_AGREED_PRICE`` and ``TERM_NOT_IN_FORCE`` are price deviations: an order in the wrong
  currency gets neither.
- A volume cap counts the order's lines of its SKU (every line without one) when the order date
  is in its period; amounts are at the agreed price, or the charged one when none is agreed. An
  order in the wrong currency is not compared with an amount cap and adds no amount to it.
- Payment terms, Incoterm and shipping are compared only when the order states them.
- Among terms of a single-valued kind in force together (two payment_terms…), the later wins.
- Deviations come line by line (price, quantity, options), then the header in the order of
  the order's fields, then the deal as a whole (caps, pending options, reviews, kickoff).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import NoReturn, Protocol, runtime_checkable

from terms.deviations import (
    DEFAULT_SEVERITIES,
    HEADER_CODES,
    Deviation,
    deviation,
    term_reference,
)
from terms.kinds import all_kinds
from terms.kinds import discount as discount_kind
from terms.kinds import unit_price as unit_price_kind
from terms.kinds.currency import agreed_currency
from terms.model import Term
from terms.money import format_amount, format_money, format_percent
from terms.order import Order, OrderLine
from terms.resolve import AgreedPrice, CatalogItem, Priced, PriceIndex, agreed_price

__all__ = [
    "AgreedPrice",
    "CapUsage",
    "CatalogItem",
    "CheckContext",
    "CompiledTerms",
    "CompiledVersion",
    "OrderFacts",
    "agreed_price",
    "cap_usage_of",
    "check_and_count",
    "check_order",
    "compile_terms",
]

_NO_DECISIONS: Mapping[str, str] = MappingProxyType({})
_NO_AGREEMENTS: Mapping[int, str] = MappingProxyType({})


@dataclass(frozen=True)
class CapUsage:
    """What counted orders of a deal used of one volume cap, or what one order adds to it."""

    quantity: int = 0
    amount: Decimal = Decimal(0)


_NO_USAGE: Mapping[int, CapUsage] = MappingProxyType({})


@dataclass(frozen=True)
class CheckContext:
    """What a check needs beyond the order and the terms; the service supplies it.

    ``add_business_days`` is the company calendar; ``cap_usage`` what other counted orders used
    of each volume cap (by term id); ``signed_decisions`` the option decisions recorded by
    signatures (they settle a pending option); ``agreed`` says who agreed each term and when,
    for messages (``"agreed on 2026-11-20 by Ana Seller"``); ``deal_currency`` is compared when
    no currency term is in force. ``kickoff_deadline_passed`` says the kickoff's deadline went by
    without it being held: from then on every order of the deal waits for it, whatever its date.
    """

    catalog: Mapping[str, CatalogItem]
    add_business_days: Callable[[date, int], date]
    kickoff_held: bool
    first_shipment_date: date
    severities: Mapping[str, str] = field(default_factory=lambda: DEFAULT_SEVERITIES)
    cap_usage: Mapping[int, CapUsage] = field(default_factory=lambda: _NO_USAGE)
    signed_decisions: Mapping[str, str] = field(default_factory=lambda: _NO_DECISIONS)
    agreed: Mapping[int, str] = field(default_factory=lambda: _NO_AGREEMENTS)
    deal_currency: str = ""
    kickoff_deadline_passed: bool = False


class OrderFacts:
    """What every checker needs to know of one order, worked out once per check.

    ``quantities`` is the total quantity of each SKU (in the order of first appearance),
    ``first_line`` the index of its first line, ``prices`` its agreed price as price, source,
    term; ``currency_ok`` is false when the order is not in ``expected_currency``.
    """

    __slots__ = (
        "currency_ok",
        "expected_currency",
        "first_line",
        "order",
        "prices",
        "quantities",
    )

    def __init__(
        self,
        order: Order,
        quantities: dict[str, int],
        first_line: dict[str, int],
        prices: dict[str, Priced],
        expected_currency: str,
    ) -> None:
        self.order = order
        self.quantities = quantities
        self.first_line = first_line
        self.prices = prices
        self.expected_currency = expected_currency
        self.currency_ok = not expected_currency or order.currency == expected_currency

    def catalog_item(self, sku: str, context: CheckContext) -> CatalogItem | None:
        """The catalog item of ``sku`` if its list price is in the order's currency."""
        item = context.catalog.get(sku)
        return item if item is not None and item.currency == self.order.currency else None

    def agreed_amount(self, line: OrderLine) -> Decimal:
        """The amount of a line at the agreed price (the charged one when none is agreed)."""
        price = self.prices[line.sku][0]
        return line.quantity * (line.unit_price if price is None else price)


OrderCheck = Callable[[OrderFacts, CheckContext, list[Deviation]], None]
UsageCount = Callable[[OrderFacts], dict[int, CapUsage]]


@runtime_checkable
class ChecksOrders(Protocol):
    """A kind whose terms an order can break."""

    def compile_check(self, terms: tuple[Term, ...]) -> OrderCheck | None:
        """A checker for the kind's terms in force (possibly none), or None: nothing to check."""
        ...


@runtime_checkable
class CountsUsage(Protocol):
    """A kind whose terms count what orders use (volume caps)."""

    def compile_usage(self, terms: tuple[Term, ...]) -> UsageCount | None:
        """What an order adds to each of the terms, by term id; None: nothing to count."""
        ...


class CompiledTerms:
    """A version's terms made ready for checks on one order date.

    Immutable once built, so one instance may be cached and shared by threads.
    """

    __slots__ = ("currency_code", "in_force", "on", "prices", "rules", "terms", "usages")

    def __init__(
        self,
        *,
        on: date,
        terms: tuple[Term, ...],
        in_force: tuple[Term, ...],
        prices: PriceIndex,
        currency_code: str,
        rules: tuple[OrderCheck, ...],
        usages: tuple[UsageCount, ...],
    ) -> None:
        self.on = on
        self.terms = terms
        self.in_force = in_force
        self.prices = prices
        self.currency_code = currency_code
        self.rules = rules
        self.usages = usages


_KindRole = tuple[
    str,
    Callable[[tuple[Term, ...]], OrderCheck | None] | None,
    Callable[[tuple[Term, ...]], UsageCount | None] | None,
]


@functools.cache
def _kind_roles() -> tuple[_KindRole, ...]:
    """Each kind with its checker and counter compilers, looked up once: an ``isinstance`` of
    a runtime-checkable protocol costs more than the rest of a compilation."""
    return tuple(
        (
            kind.name,
            kind.compile_check if isinstance(kind, ChecksOrders) else None,
            kind.compile_usage if isinstance(kind, CountsUsage) else None,
        )
        for kind in all_kinds()
    )


def compile_terms(version_terms: Sequence[Term], on: date) -> CompiledTerms:
    """Index the terms of the version in force on ``on`` (the order date) for checks.

    Give every term of the version, those outside their own window included: a price charged
    from one of them is reported as a term not in force.
    """
    terms = tuple(version_terms)
    in_force = tuple(term for term in terms if term.in_window(on))
    stale = tuple(term for term in terms if not term.in_window(on))
    by_kind: dict[str, list[Term]] = {}
    for term in in_force:
        by_kind.setdefault(term.kind, []).append(term)
    rules: list[OrderCheck] = []
    usages: list[UsageCount] = []
    for name, compile_check, compile_usage in _kind_roles():
        of_kind = tuple(by_kind.get(name, ()))
        if compile_check is not None:
            rule = compile_check(of_kind)
            if rule is not None:
                rules.append(rule)
        if compile_usage is not None:
            usage = compile_usage(of_kind)
            if usage is not None:
                usages.append(usage)
    currency = agreed_currency(in_force)
    return CompiledTerms(
        on=on,
        terms=terms,
        in_force=in_force,
        prices=PriceIndex(in_force, stale),
        currency_code=str(currency.params["code"]) if currency is not None else "",
        rules=tuple(rules),
        usages=tuple(usages),
    )


class CompiledVersion:
    """A version's terms ready for checks on any order date.

    What a version compiles to depends on the date only through the terms' own validity
    windows, so it is compiled once for each set of terms in force: a version without windowed
    terms compiles once for all dates. :meth:`on` gives the :class:`CompiledTerms` of a date,
    sharing that compilation. Safe to share between threads: a race only compiles twice.
    """

    __slots__ = ("_by_date", "_by_in_force", "_windowed", "terms")

    # Dates kept per version; past it they are dropped (each comes back in a microsecond).
    MAX_DATES = 400

    def __init__(self, version_terms: Sequence[Term]) -> None:
        self.terms = tuple(version_terms)
        self._windowed = tuple(
            term for term in self.terms if term.valid_from is not None or term.valid_to is not None
        )
        self._by_in_force: dict[tuple[bool, ...], CompiledTerms] = {}
        self._by_date: dict[date, CompiledTerms] = {}

    def on(self, day: date) -> CompiledTerms:
        """The terms compiled for checking orders dated ``day``."""
        compiled = self._by_date.get(day)
        if compiled is not None:
            return compiled
        key = tuple(term.in_window(day) for term in self._windowed)
        shared = self._by_in_force.get(key)
        if shared is None:
            compiled = self._by_in_force[key] = compile_terms(self.terms, day)
        else:
            compiled = _redated(shared, day)
        if len(self._by_date) >= self.MAX_DATES:
            self._by_date.clear()  # (not one by one: another thread may be adding a date)
        self._by_date[day] = compiled
        return compiled

    @property
    def has_pending_options(self) -> bool:
        """Whether a signature could settle one of its options (they are pending)."""
        return any(
            term.kind == "option" and term.params.get("decision") == "pending"
            for term in self.terms
        )

    @property
    def volume_cap_ids(self) -> tuple[int, ...]:
        """The ids of its volume caps, in order: the rows a check that counts must lock."""
        return tuple(
            sorted(term.id for term in self.terms if term.kind == "volume_cap" and term.id)
        )


def _redated(compiled: CompiledTerms, on: date) -> CompiledTerms:
    """``compiled`` for another date on which the same terms are in force."""
    return CompiledTerms(
        on=on,
        terms=compiled.terms,
        in_force=compiled.in_force,
        prices=compiled.prices,
        currency_code=compiled.currency_code,
        rules=compiled.rules,
        usages=compiled.usages,
    )


def order_facts(order: Order, terms: CompiledTerms, context: CheckContext) -> OrderFacts:
    """The totals and agreed prices of ``order`` under ``terms``."""
    quantities: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for index, line in enumerate(order.lines):
        sku = line.sku
        total = quantities.get(sku)
        if total is None:
            quantities[sku] = line.quantity
            first_line[sku] = index
        else:
            quantities[sku] = total + line.quantity
    currency = order.currency
    catalog = context.catalog
    priced = terms.prices.priced
    prices: dict[str, Priced] = {}
    for sku, quantity in quantities.items():
        item = catalog.get(sku)
        if item is not None and item.currency != currency:
            item = None
        prices[sku] = priced(sku, quantity, item)
    expected = terms.currency_code or context.deal_currency
    return OrderFacts(order, quantities, first_line, prices, expected)


def check_order(order: Order, terms: CompiledTerms, context: CheckContext) -> list[Deviation]:
    """Every deviation of ``order`` from ``terms``: line by line, then header, then deal."""
    if order.order_date != terms.on:
        _wrong_date(order, terms)
    return _deviations(order_facts(order, terms, context), terms, context)


def check_and_count(
    order: Order, terms: CompiledTerms, context: CheckContext
) -> tuple[list[Deviation], dict[int, CapUsage]]:
    """:func:`check_order` and :func:`cap_usage_of` at once, working the order out only once."""
    if order.order_date != terms.on:
        _wrong_date(order, terms)
    facts = order_facts(order, terms, context)
    return _deviations(facts, terms, context), _usage(facts, terms)


def cap_usage_of(order: Order, terms: CompiledTerms, context: CheckContext) -> dict[int, CapUsage]:
    """What ``order`` adds to each volume cap it falls under, by term id, for the cap ledger."""
    if not terms.usages:
        return {}
    return _usage(order_facts(order, terms, context), terms)


def _wrong_date(order: Order, terms: CompiledTerms) -> NoReturn:
    raise ValueError(
        f"terms compiled for {terms.on.isoformat()} cannot check an order of "
        f"{order.order_date.isoformat()}"
    )


def _usage(facts: OrderFacts, terms: CompiledTerms) -> dict[int, CapUsage]:
    usage: dict[int, CapUsage] = {}
    for count in terms.usages:
        usage.update(count(facts))
    return usage


def _deviations(facts: OrderFacts, terms: CompiledTerms, context: CheckContext) -> list[Deviation]:
    order = facts.order
    found: list[Deviation] = []
    if facts.currency_ok:
        prices = facts.prices
        for index, line in enumerate(order.lines):
            if line.unit_price != prices[line.sku][0]:
                found.append(_price_deviation(index, line, facts, terms.prices, context))
    for rule in terms.rules:
        rule(facts, context, found)
    if not context.kickoff_held and (
        context.kickoff_deadline_passed or order.requested_ship_date >= context.first_shipment_date
    ):
        found.append(_kickoff_not_held(order, context))
    if len(found) > 1:
        found.sort(key=_place)
    return found


_HEADER_RANK = {code: rank for rank, code in enumerate(HEADER_CODES)}


def _place(item: Deviation) -> tuple[int, int]:
    if item.line is not None:
        return 0, item.line
    rank = _HEADER_RANK.get(item.code)
    return (1, rank) if rank is not None else (2, 0)


def _kickoff_not_held(order: Order, context: CheckContext) -> Deviation:
    ship, first = order.requested_ship_date.isoformat(), context.first_shipment_date.isoformat()
    why = (
        "its deadline has passed"
        if context.kickoff_deadline_passed
        and order.requested_ship_date < context.first_shipment_date
        else f"the order ships on {ship}, on or after the deal's first shipment date {first}"
    )
    return deviation(
        "KICKOFF_NOT_HELD",
        context.severities,
        f"The kickoff meeting has not been held, and {why}.",
        field="requested_ship_date",
        expected="kickoff held before the first shipment",
        actual=ship,
    )


def _window_words(term: Term) -> str:
    if term.valid_from and term.valid_to:
        return f"valid from {term.valid_from.isoformat()} to {term.valid_to.isoformat()}"
    if term.valid_to:
        return f"valid until {term.valid_to.isoformat()}"
    if term.valid_from:
        return f"valid from {term.valid_from.isoformat()}"
    return "not valid on that date"


def _agreed_words(priced: Priced, amount: str, item: CatalogItem | None, currency: str) -> str:
    """The agreed price (``amount``, formatted) and what set it: ``9.00 USD for 100+ units``."""
    _, source, term = priced
    money = f"{amount} {currency}"  # format_money's form, without formatting the amount again
    if source == "unit_price" and term is not None:
        return money + unit_price_kind.tier_words(term)
    if source == "discount" and term is not None and item is not None:
        percent = format_percent(term.params["percent"])
        scope = discount_kind.scope_words(term)
        list_price = format_money(
            item.list_price.quantize(discount_kind.price_quantum(item.list_price)), currency
        )
        return f"{money}, the list price {list_price} less the agreed {percent} off {scope}"
    return f"{money}, the list price, as no negotiated price applies"


def _price_deviation(
    index: int, line: OrderLine, facts: OrderFacts, prices: PriceIndex, context: CheckContext
) -> Deviation:
    """The one price deviation of a line whose price is not the agreed one."""
    order, sku, charged = facts.order, line.sku, line.unit_price
    currency = order.currency
    priced = facts.prices[sku]
    price, source, term = priced
    item = facts.catalog_item(sku, context)
    expected = format_amount(price) if price is not None else None
    actual = format_amount(charged)
    charged_words = f"Unit price {actual} {currency} of {sku}"
    stale = prices.stale_term(sku, charged, item)
    if stale is not None:
        agreed = "no price is agreed for it on that date"
        if expected is not None:
            agreed = (
                f"the agreed price is {_agreed_words(priced, expected, item, currency)}"
                f"{term_reference(term, context.agreed)}"
            )
        return deviation(
            "TERM_NOT_IN_FORCE",
            context.severities,
            f"{charged_words} is the price of a term not in force on "
            f"{order.order_date.isoformat()}{term_reference(stale, context.agreed)}, "
            f"{_window_words(stale)}; {agreed}.",
            term=stale,
            line=index,
            field="unit_price",
            expected=expected,
            actual=actual,
        )
    if price is None or expected is None:
        listed = context.catalog.get(sku)
        why = (
            f"its catalog price is in {listed.currency}, not {currency}"
            if listed is not None
            else "it is not in the catalog"
        )
        return deviation(
            "NO_AGREED_PRICE",
            context.severities,
            f"{charged_words} cannot be checked: no price term covers {sku} and {why}.",
            line=index,
            field="unit_price",
            actual=actual,
        )
    above = charged > price
    if source == "discount":
        code = discount_kind.ABOVE_CODE if above else discount_kind.BELOW_CODE
    else:
        code = unit_price_kind.ABOVE_CODE if above else unit_price_kind.BELOW_CODE
    agreed = _agreed_words(priced, expected, item, currency)
    if source == "unit_price":
        agreed = "the agreed " + agreed
    return deviation(
        code,
        context.severities,
        f"{charged_words} is {'above' if above else 'below'} "
        f"{agreed}{term_reference(term, context.agreed)}.",
        term=term,
        line=index,
        field="unit_price",
        expected=expected,
        actual=actual,
    )
