"""The menu: each page module adds the entries people start from; a reader sees the entries
of their roles, in the order of `position`."""

from __future__ import annotations

from dataclasses import dataclass

from app.db.models import User


@dataclass(frozen=True)
class Entry:
    position: int
    endpoint: str
    label: str
    roles: frozenset[str]


MENU: list[Entry] = []


def add(position: int, endpoint: str, label: str, *roles: str) -> None:
    MENU.append(Entry(position, endpoint, label, frozenset(roles)))
    MENU.sort(key=lambda entry: entry.position)


def menu_for(user: User) -> list[Entry]:
    return [entry for entry in MENU if entry.roles & set(user.roles)]
