"""Checks on decoded input that no record may hold: NUL characters (PostgreSQL text cannot
store them) anywhere in a JSON value, and nesting deeper than any real document."""

from __future__ import annotations

from typing import Any

NUL_MESSAGE = "Must not contain NUL (\\u0000) characters."


def _children(value: Any, path: str) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [(f"{path}.{k}" if path else str(k), v) for k, v in value.items()]
    if isinstance(value, list):
        return [(f"{path}.{i}" if path else str(i), v) for i, v in enumerate(value)]
    return []


def nul_path(value: Any) -> str | None:
    """The path of the first key or string holding NUL ("" for the value itself), or None.
    Walked with a stack, not recursion, so no depth of nesting can overflow it."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return path
        if isinstance(item, dict):
            for key in item:
                if isinstance(key, str) and "\x00" in key:
                    return f"{path}.{key}" if path else key
        stack.extend(reversed(_children(item, path)))
    return None


def depth(value: Any, limit: int) -> int:
    """How deeply `value` nests arrays and objects, counting up to `limit + 1` at most."""
    deepest = 0
    stack: list[tuple[int, Any]] = [(1, value)]
    while stack:
        level, item = stack.pop()
        if not isinstance(item, dict | list):
            continue
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        stack.extend((level + 1, child) for _, child in _children(item, ""))
    return deepest
