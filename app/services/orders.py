"""Orders and their checks against the terms in force."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session


def orders_for_terms(session: Session, term_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Orders checked against any of these terms. Orders are not recorded yet: none."""
    return []
