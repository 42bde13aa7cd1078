"""Marshmallow fields for the formats Handoff insists on: money as decimal strings, real zones,
ISO country and currency codes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from marshmallow import ValidationError, fields

from kickoff.calendar import known_country
from terms.money import CURRENCY_CODES, AmountError, parse_decimal


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: str) -> bool:
    return name in _zones()


class DecimalString(fields.Field):
    """Money as a JSON string such as "12.50"; a JSON number is refused so no float touches it."""

    def __init__(self, *, minimum: Decimal | None = Decimal(0), **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update(
            {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$", "example": "12.50"}
        )
        super().__init__(**kwargs)
        self.minimum = minimum

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str):
            raise ValidationError('Must be a decimal string such as "12.50", not a number.')
        try:
            amount = parse_decimal(value)
        except AmountError as exc:
            raise ValidationError(f"Must be a decimal string: {exc}.") from exc
        if self.minimum is not None and amount < self.minimum:
            raise ValidationError(f"Must be at least {self.minimum}.")
        return amount

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


class Timezone(fields.String):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update({"example": "America/Chicago"})
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        name = super()._deserialize(value, attr, data, **kwargs)
        if not is_timezone(name):
            raise ValidationError(f"Unknown time zone {name!r}; use an IANA name such as "
                                  "'America/Chicago'.")
        return name


class Country(fields.String):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update({"example": "US"})
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if len(code) != 2 or not known_country(code):
            raise ValidationError(f"Unknown country {value!r}; use an ISO 3166 alpha-2 code.")
        return code


class Currency(fields.String):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update({"example": "USD"})
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if code not in CURRENCY_CODES:
            raise ValidationError(f"Unknown currency {value!r}; use an ISO 4217 code.")
        return code


class UTCDateTimeField(fields.AwareDateTime):
    """An ISO 8601 time with an offset; stored and returned in UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        # Times far outside business use are typing mistakes, and overflow in UTC conversion.
        if not 1900 <= parsed.year <= 9998:
            raise ValidationError("Must be a time between the years 1900 and 9998.")
        return parsed.astimezone(UTC)
