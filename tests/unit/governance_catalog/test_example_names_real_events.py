"""The example catalog subscribes to event types the hub really publishes."""

from __future__ import annotations

from pathlib import Path

from healthbridge.canonical.events import EVENTS_BY_TYPE
from healthbridge.governance.catalog import load_catalog, write_example


def test_every_event_type_in_the_example_catalog_is_one_the_hub_publishes(tmp_path: Path) -> None:
    write_example(tmp_path)
    catalog = load_catalog(tmp_path)

    named = {
        event_type
        for entry in catalog.entries
        for event_type in getattr(entry.manifest.spec, "event_types", [])
    }

    assert named, "the example catalog names no event type at all"
    assert named <= set(EVENTS_BY_TYPE), sorted(named - set(EVENTS_BY_TYPE))
