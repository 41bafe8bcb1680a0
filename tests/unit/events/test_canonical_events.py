"""Canonical events: small, frozen, past tense, classified, typed and versioned."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

import healthbridge.canonical.events as events_package
from healthbridge.canonical.classification import DataClass, unclassified_fields
from healthbridge.canonical.events import CANONICAL_EVENTS, EVENT_DOMAINS, EVENTS_BY_TYPE
from healthbridge.core.sections.events import DOMAINS
from healthbridge.events.access import field_classes
from healthbridge.governance.contracts import contract_sources

EVENTS = sorted(CANONICAL_EVENTS.items())
TYPE = re.compile(r"^org\.healthbridge\.[a-z0-9]+\.[a-z0-9-]+\.v(\d+)$")


@pytest.mark.parametrize(("name", "model"), EVENTS, ids=[name for name, _ in EVENTS])
class TestEveryEvent:
    def test_every_field_has_a_data_class(self, name, model):
        assert unclassified_fields(model) == []

    def test_phi_fields_are_optional_so_they_can_be_removed(self, name, model):
        for field, data_class in field_classes(model).items():
            if data_class is DataClass.PHI:
                assert not model.model_fields[field].is_required(), field

    def test_its_type_is_versioned_with_its_contract_major(self, name, model):
        match = TYPE.match(model.event_type)
        assert match, model.event_type
        assert match.group(1) == model.contract_version.split(".")[0]

    def test_it_belongs_to_a_configured_domain(self, name, model):
        assert model.domain in DOMAINS

    def test_it_is_frozen_and_closed(self, name, model):
        with pytest.raises(ValidationError):
            model.model_validate({"unknown": 1})


def test_each_type_names_one_event():
    assert len(EVENTS_BY_TYPE) == len(CANONICAL_EVENTS) == 10
    assert set(EVENT_DOMAINS) == set(DOMAINS)


def test_every_event_publishes_a_contract():
    published = {source.name for source in contract_sources() if source.kind == "event"}

    assert set(CANONICAL_EVENTS) <= published


def test_the_package_exports_a_sorted_all():
    assert events_package.__all__ == sorted(
        events_package.__all__, key=lambda n: (not n.isupper(), n)
    )
