"""Which terms are in force on a date, and the agreed price of a SKU under them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from terms.kinds.discount import discounted, price_quantum
from terms.kinds.unit_price import tier_bounds
from terms.model import Term, TermsVersion


@dataclass(frozen=True)
class InForce:
    """The version in force on a date, and those of its terms whose own window includes it."""

    version: TermsVersion
    terms: tuple[Term, ...]


def version_in_force(versions: Sequence[TermsVersion], on: date) -> TermsVersion | None:
    """The newest (highest-numbered) version with ``effective_from <= on``, or None."""
    eligible = [version for version in versions if version.effective_from <= on]
    return max(eligible, key=lambda version: version.number, default=None)


def terms_in_force(versions: Sequence[TermsVersion], on: date) -> InForce | None:
    """The terms in force on ``on``: the version in force less terms outside their window."""
    version = version_in_force(versions, on)
    if version is None:
        return None
    return InForce(version, tuple(term for term in version.terms if term.in_window(on)))


# The agreed price of a line.
#
# Precedence, most specific first: a unit_price tier of the SKU covering the order's total
# quantity of it, a discount for the SKU, a discount for its catalog category, a discount for all
# products (each off the catalog list price), the list price, else none. When a SKU has tiers but
# none covers the quantity, the next rule down applies. Overlapping tiers of one SKU: the one
# with the higher min_quantity wins (an open "100+" tier gives way to a later "500+" one); for
# equal min_quantity, and between two discounts of the same scope, the term listed later wins.
#
# A price off the list is kept to cents, rounded half up, or to more places when the list price
# has more that count (terms.kinds.discount.price_quantum): 7.5% off 12.00 is 11.10, and a list
# price of 12.0000 read from a NUMERIC(19, 4) column is 12.00. Prices are compared as numbers,
# so 9 and 9.00 are the same price. Currencies without cents (JPY) are still rounded to cents:
# a discount that leaves fractions of a yen expects them.


@dataclass(frozen=True)
class CatalogItem:
    """A product of the catalog, as far as checking orders needs it."""

    sku: str
    list_price: Decimal
    currency: str
    category: str


@dataclass(frozen=True)
class AgreedPrice:
    """The agreed unit price of a SKU, and what set it.

    ``source`` is ``unit_price``, ``discount``, ``list_price`` or ``none``; ``term`` is the price
    term (None for the list price or none); ``tier_quantity`` the quantity that chose the tier.
    """

    price: Decimal | None
    source: str
    term: Term | None
    tier_quantity: int


# A tier as the index keeps it: smallest and largest quantity, price, term.
Tier = tuple[int, int | None, Decimal, Term]
# What the hot path passes around instead of an AgreedPrice: price, source, term.
Priced = tuple[Decimal | None, str, Term | None]

_NONE: Priced = (None, "none", None)
MAX_REMEMBERED = 4096


class PriceIndex:
    """The price terms of a version indexed by SKU and category; immutable once built.

    It remembers the prices off the list it has worked out, which changes no answer: one index
    may be shared by threads.

    ``stale_*`` hold the price terms whose own window excludes the date the index was built
    for: a price charged from one of them is a term not in force.
    """

    __slots__ = (
        "_off_list",
        "category_discounts",
        "global_discount",
        "sku_discounts",
        "stale_discounts",
        "stale_tiers",
        "tiers",
    )

    def __init__(self, in_force: Sequence[Term], stale: Sequence[Term] = ()) -> None:
        self.tiers: dict[str, tuple[Tier, ...]] = _tiers(in_force)
        self.sku_discounts: dict[str, Term] = {}
        self.category_discounts: dict[str, Term] = {}
        self.global_discount: Term | None = None
        for term in in_force:
            if term.kind != "discount":
                continue
            if "sku" in term.params:
                self.sku_discounts[term.params["sku"]] = term
            elif "category" in term.params:
                self.category_discounts[term.params["category"]] = term
            else:
                self.global_discount = term
        self.stale_tiers: dict[str, tuple[Tier, ...]] = _tiers(stale)
        self.stale_discounts: tuple[Term, ...] = tuple(
            term for term in stale if term.kind == "discount"
        )
        # Prices off the list already worked out, by SKU, with the catalog item they were
        # worked out from (used again only for an item of the same list price and category):
        # Decimal arithmetic is the costliest step of a check, and the same few products recur
        # in every order.
        self._off_list: dict[str, tuple[CatalogItem, Priced]] = {}

    @property
    def prices(self) -> PriceIndex:
        """The index itself, so an index serves wherever compiled terms do."""
        return self

    def priced(self, sku: str, quantity: int, item: CatalogItem | None) -> Priced:
        """The agreed price of ``quantity`` units of ``sku``, as price, source and term."""
        tiers = self.tiers.get(sku)
        if tiers is not None:
            for low, high, price, term in tiers:
                if low <= quantity and (high is None or quantity <= high):
                    return price, "unit_price", term
        if item is None:
            return _NONE
        known = self._off_list.get(sku)
        if known is not None and _same_item(known[0], item):
            return known[1]
        found = (
            self.sku_discounts.get(sku)
            or self.category_discounts.get(item.category)
            or self.global_discount
        )
        if found is None:
            list_price = item.list_price
            result: Priced = (list_price.quantize(price_quantum(list_price)), "list_price", None)
        else:
            result = discounted(item.list_price, found.params["percent"]), "discount", found
        if len(self._off_list) >= MAX_REMEMBERED:
            self._off_list.clear()
        self._off_list[sku] = (item, result)
        return result

    def stale_term(self, sku: str, charged: Decimal, item: CatalogItem | None) -> Term | None:
        """A price term outside its window whose price for ``sku`` is ``charged``, if any."""
        for _, _, price, term in reversed(self.stale_tiers.get(sku, ())):
            if price == charged:
                return term
        if item is None:
            return None
        for term in reversed(self.stale_discounts):
            params = term.params
            applies = (
                params.get("sku", sku) == sku
                and params.get("category", item.category) == item.category
            )
            if applies and discounted(item.list_price, params["percent"]) == charged:
                return term
        return None


def _same_item(known: CatalogItem, item: CatalogItem) -> bool:
    """Whether a price worked out for ``known`` holds for ``item`` too."""
    if known is item:
        return True
    return known.list_price == item.list_price and known.category == item.category


class _HasPrices(Protocol):
    @property
    def prices(self) -> PriceIndex: ...


def _tiers(terms: Sequence[Term]) -> dict[str, tuple[Tier, ...]]:
    found: dict[str, list[tuple[int, int, Tier]]] = {}
    for position, term in enumerate(terms):
        if term.kind != "unit_price":
            continue
        low, high = tier_bounds(term)
        tier: Tier = (low, high, term.params["price"], term)
        found.setdefault(term.params["sku"], []).append((-low, -position, tier))
    return {sku: tuple(entry[2] for entry in sorted(entries)) for sku, entries in found.items()}


def agreed_price(
    sku: str,
    order_quantity_of_sku: int,
    terms: PriceIndex | _HasPrices | Sequence[Term],
    catalog_item: CatalogItem | None,
) -> AgreedPrice:
    """The agreed unit price of ``sku`` when an order holds ``order_quantity_of_sku`` of it.

    ``terms`` is compiled terms (:func:`terms.check.compile_terms`), a price index, or terms
    taken to be in force. ``catalog_item`` must be in the order's currency to count.
    """
    index = PriceIndex(terms) if isinstance(terms, Sequence) else terms.prices
    price, source, term = index.priced(sku, order_quantity_of_sku, catalog_item)
    return AgreedPrice(price, source, term, order_quantity_of_sku)
