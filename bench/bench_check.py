"""How fast the pure order check is: one compiled 12-term version, many 5-line orders.

    .venv/bin/python bench/bench_check.py [--orders N] [--profile]

The version is compiled once, as the service caches it; the orders are parsed before timing
starts, so the figures are those of ``check_order`` alone. Every order gets the manual review
item of a clause; in the mix, one order in ten (``--flagged``) also breaks two terms (a price
above the agreed tier, a quantity off its multiple), so messages are built too. Clear and
flagged orders are also timed apart. The whole service aims at 20,000 persisted orders a
second: the pure check should manage well over 100,000. The reference figure tells how fast
the machine is, as timings on a loaded or slow machine are not comparable.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
import timeit
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from terms.check import CatalogItem, CheckContext, CompiledTerms, check_order, compile_terms
from terms.deviations import order_status
from terms.model import Term
from terms.order import Order, parse_order
from terms.parse import parse_term

TARGET = 100_000
# What the reference loop takes on a recent laptop; figures are scaled by it for comparison.
REFERENCE_LAPTOP_US = 0.5
ORDER_DATE = date(2026, 12, 15)

RAW_TERMS = [
    {"kind": "unit_price", "params": {"sku": "A-100", "price": "10.00", "max_quantity": 99}},
    {"kind": "unit_price", "params": {"sku": "A-100", "price": "9.00", "min_quantity": 100}},
    {"kind": "unit_price", "params": {"sku": "B-200", "price": "4.50"}},
    {"kind": "discount", "params": {"percent": "7.5", "category": "widgets"}},
    {"kind": "payment_terms", "params": {"net_days": 45}},
    {"kind": "incoterm", "params": {"code": "FOB", "place": "Oakland"}},
    {"kind": "shipping", "params": {"method": "ground", "freight": "prepaid"}},
    {"kind": "lead_time", "params": {"max_business_days": 10}},
    {"kind": "quantity_limits", "params": {"multiple_of": 5}},
    {
        "kind": "volume_cap",
        "params": {
            "sku": "A-100",
            "max_quantity": 1_000_000,
            "period_start": "2026-11-01",
            "period_end": "2027-06-30",
        },
    },
    {"kind": "currency", "params": {"code": "USD"}},
    {
        "kind": "clause",
        "params": {"text": "Customer logo on every carton", "review_on_order": True},
    },
]

CATALOG = {
    "A-100": CatalogItem("A-100", Decimal("12.00"), "USD", "widgets"),
    "B-200": CatalogItem("B-200", Decimal("5.00"), "USD", "gadgets"),
    "C-300": CatalogItem("C-300", Decimal("20.00"), "USD", "widgets"),
    "D-400": CatalogItem("D-400", Decimal("8.00"), "USD", "tools"),
    "E-500": CatalogItem("E-500", Decimal("3.25"), "USD", "tools"),
}


def version_terms() -> list[Term]:
    """The 12 terms, as stored: parsed, with ids."""
    return [
        Term(**{**vars(parse_term(raw)), "id": 50 + index}) for index, raw in enumerate(RAW_TERMS)
    ]


def add_business_days(start: date, days: int) -> date:
    """Weekdays only, stepping day by day as a company calendar does."""
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def make_order(number: int, *, honest: bool) -> Order:
    """A 5-line order; a dishonest one charges the small-quantity price and breaks a multiple."""
    lines = [
        {"sku": "A-100", "quantity": 120, "unit_price": "9.00" if honest else "10.00"},
        {"sku": "B-200", "quantity": 50, "unit_price": "4.50"},
        {"sku": "C-300", "quantity": 10, "unit_price": "18.50"},
        {"sku": "D-400", "quantity": 25 if honest else 24, "unit_price": "8.00"},
        {"sku": "E-500", "quantity": 5, "unit_price": "3.25"},
    ]
    return parse_order(
        {
            "deal_id": 12,
            "po_number": f"PO-{number}",
            "order_date": ORDER_DATE.isoformat(),
            "requested_ship_date": "2026-12-18",
            "promised_delivery_date": "2026-12-22",
            "currency": "USD",
            "payment_terms": {"net_days": 45},
            "incoterm": {"code": "FOB", "place": "Oakland"},
            "shipping": {"method": "ground", "freight": "prepaid"},
            "partial_shipment": False,
            "lines": lines,
        }
    )


def checks_per_second(orders: list[Order], compiled: CompiledTerms, context: CheckContext) -> float:
    """Check every order once; the rate per second."""
    started = time.perf_counter()
    for order in orders:
        check_order(order, compiled, context)
    return len(orders) / (time.perf_counter() - started)


def reference_us() -> float:
    """A fixed piece of pure Python, to compare machines: ``sum(range(100))``, best of 5."""
    return min(timeit.repeat("sum(range(100))", number=100_000, repeat=5)) / 100_000 * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument(
        "--flagged", type=float, default=0.1, help="share of orders that break terms (0.1)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each scenario")
    parser.add_argument("--profile", action="store_true", help="print the top of a profile")
    args = parser.parse_args()

    terms = version_terms()
    context = CheckContext(
        catalog=CATALOG,
        add_business_days=add_business_days,
        kickoff_held=True,
        first_shipment_date=date(2026, 12, 14),
        agreed={term.id: "agreed on 2026-11-20 by Ana Seller" for term in terms if term.id},
        deal_currency="USD",
    )
    compile_terms(terms, ORDER_DATE)  # the first call loads the registry of kinds
    started = time.perf_counter()
    compiled = compile_terms(terms, ORDER_DATE)
    compile_us = (time.perf_counter() - started) * 1e6

    every = max(1, round(1 / args.flagged)) if args.flagged > 0 else 0
    pool = [make_order(number, honest=not every or number % every != 0) for number in range(1000)]
    orders = [pool[number % len(pool)] for number in range(args.orders)]
    clear = [make_order(number, honest=True) for number in range(1000)] * (args.orders // 10000)
    flagged = [make_order(number, honest=False) for number in range(1000)] * (args.orders // 10000)
    statuses = Counter(order_status(check_order(order, compiled, context)) for order in pool)

    checks_per_second(orders[:1000], compiled, context)  # warm up
    scenarios = {"mix": orders, "clear orders": clear, "flagged": flagged}
    rates: dict[str, list[float]] = {name: [] for name in scenarios}
    for _ in range(args.rounds):  # interleaved, so a busy spell hits every scenario alike
        for name, batch in scenarios.items():
            rates[name].append(checks_per_second(batch, compiled, context))

    reference = reference_us()
    scale = REFERENCE_LAPTOP_US / reference
    print(
        f"reference sum(range(100)):  {reference:9.2f} µs "
        f"({REFERENCE_LAPTOP_US} on a recent laptop)"
    )
    print(f"compile, {len(terms)} terms:        {compile_us:9.1f} µs "
          "(once per version and terms in force)")
    print(f"orders checked:             {len(orders):9d} (5 lines each), {args.rounds} rounds")
    print(f"order statuses in the mix:  {dict(sorted(statuses.items()))}")
    print("                        best checks/s  µs/check  median checks/s  scaled to laptop")
    for name, measured in rates.items():
        best, median = max(measured), statistics.median(measured)
        print(
            f"  {name + ':':21s} {best:9.0f} {1e6 / best:10.2f} {median:14.0f} "
            f"{best / scale:13.0f}/s"
        )
    best_mix = max(rates["mix"])
    verdict = "met" if best_mix >= TARGET else f"MISSED (scaled: {best_mix / scale:.0f}/s)"
    print(f"target {TARGET} checks/s (mix, best round): {verdict}")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for order in orders[: min(len(orders), 50_000)]:
            check_order(order, compiled, context)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
