"""The same terms version gives the same bytes: a brief can be compared, cached and signed."""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from terms.brief import render_brief

from .builders import brief_data, notes
from .reading import open_brief


def test_two_renders_of_the_same_data_are_byte_identical() -> None:
    data = brief_data(terms=50, versions=3)
    assert render_brief(data) == render_brief(data)


def test_render_does_not_depend_on_the_clock_or_the_local_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = brief_data(terms=12, versions=3)
    before = render_brief(data)
    later = time.time() + 400 * 24 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setenv("TZ", "Asia/Kathmandu")
    time.tzset()
    try:
        after = render_brief(data)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert after == before


def test_equal_moments_in_different_zones_give_the_same_bytes() -> None:
    data = brief_data()
    shifted = timezone(timedelta(hours=-6))
    moved = replace(
        data,
        version_created_at=data.version_created_at.astimezone(shifted),
        closed_at=data.closed_at.astimezone(shifted),
    )
    assert render_brief(moved) == render_brief(data)


def test_order_of_notes_as_handed_over_does_not_change_the_brief() -> None:
    data = brief_data()
    assert render_brief(replace(data, notes=tuple(reversed(notes())))) == render_brief(data)


def test_zip_entries_have_a_fixed_date_and_a_fixed_order() -> None:
    with zipfile.ZipFile(io.BytesIO(render_brief(brief_data()))) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[2:] == sorted(names[2:])
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_document_properties_come_from_the_version_not_the_clock() -> None:
    data = brief_data(versions=3)
    core = open_brief(render_brief(data)).core_properties
    assert core.author == "Handoff"
    assert core.last_modified_by == "Handoff"
    assert core.title == "Terms brief — Acme 2027 supply — version 3"
    assert core.identifier == f"sha256:{data.digest}"
    stamp = datetime(2026, 12, 20, 10, 2, tzinfo=UTC).replace(tzinfo=None)
    assert core.created.replace(tzinfo=None) == stamp
    assert core.modified.replace(tzinfo=None) == stamp
