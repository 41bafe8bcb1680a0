"""Subscriptions get only what their scopes permit; phi is removed or opened per subscriber."""

from __future__ import annotations

import json

import pytest

from healthbridge.canonical.classification import DataClass
from healthbridge.canonical.events import Hl7MessageAccepted, InvoicePosted
from healthbridge.events import SubscriptionRefusedError, check_subscription, data_ceiling
from healthbridge.events.sealing import PhiSealer, phi_fields
from healthbridge.events.subscription import Subscription
from healthbridge.events.topology import Topology
from healthbridge.security.field_encryption import FieldCipher

INVOICE = "org.healthbridge.invoice.posted.v1"
HL7 = "org.healthbridge.hl7.message-accepted.v1"
STOCK = "org.healthbridge.stock.level-changed.v1"


def test_a_type_outside_the_scopes_is_refused_naming_it():
    with pytest.raises(SubscriptionRefusedError) as caught:
        check_subscription("ops", [STOCK, INVOICE], ["events:inventory.read"])

    assert caught.value.details["types"] == [INVOICE]
    assert caught.value.code == "events.subscription_refused"


def test_a_type_whose_required_fields_are_too_sensitive_is_refused():
    with pytest.raises(SubscriptionRefusedError) as caught:
        check_subscription("ops", [INVOICE], ["events:billing.read"])

    assert caught.value.details["fields"] == ["amount_total"]


def test_financial_data_scope_permits_invoices_and_phi_stays_optional():
    check_subscription("finance", [INVOICE], ["events:billing.read", "data:financial"])
    check_subscription("ops", [HL7], [f"events:{HL7}"])


def test_data_scopes_include_the_classes_below_them():
    assert data_ceiling([]) is DataClass.OPERATIONAL
    assert data_ceiling(["data:pii"]) is DataClass.PII
    assert data_ceiling(["data:financial", "data:phi"]) is DataClass.PHI


def test_a_subscription_name_must_be_a_safe_consumer_name():
    with pytest.raises(SubscriptionRefusedError):
        Subscription.checked("Bad Name", [STOCK], ["events:read"], max_deliveries=3)


def test_a_subscription_filters_its_subjects_and_its_own_redrives():
    subscription = Subscription.checked("stock-sync", [STOCK], ["events:read"], max_deliveries=3)
    topology = Topology("hb", "HB")

    assert subscription.filters(topology, "inventory") == [
        "hb.inventory.stock.level-changed.v1",
        "hb.inventory.redrive.stock-sync.>",
    ]
    assert subscription.wants(
        STOCK, "hb.inventory.redrive.stock-sync.stock.level-changed.v1", topology
    )
    assert not subscription.wants(
        STOCK, "hb.inventory.redrive.other.stock.level-changed.v1", topology
    )


class TestProjection:
    def setup_method(self):
        self.sealer = PhiSealer(FieldCipher({"k": b"k" * 32}, active_key_id="k"))
        self.data = {"message_type": "ADT", "patient_identifiers": [{"value": "MRN-9"}]}

    def test_phi_fields_are_sealed_and_the_key_is_named(self):
        sealed, key_id = self.sealer.seal(Hl7MessageAccepted, "e1", self.data)

        assert key_id == "k"
        assert "MRN-9" not in json.dumps(sealed)
        assert sealed["message_type"] == "ADT"

    def test_an_entitled_subscriber_gets_phi_opened(self):
        sealed, _ = self.sealer.seal(Hl7MessageAccepted, "e1", self.data)

        assert self.sealer.project(Hl7MessageAccepted, "e1", sealed, DataClass.PHI) == self.data

    def test_others_get_phi_removed(self):
        sealed, _ = self.sealer.seal(Hl7MessageAccepted, "e1", self.data)

        projected = self.sealer.project(Hl7MessageAccepted, "e1", sealed, DataClass.OPERATIONAL)

        assert projected == {"message_type": "ADT"}

    def test_financial_fields_are_removed_below_financial(self):
        data = {"number": "INV/1", "amount_due": {"amount": "1", "currency": "EUR"}}

        projected = self.sealer.project(InvoicePosted, "e1", data, DataClass.OPERATIONAL)

        assert projected == {"number": "INV/1"}

    def test_an_event_without_phi_fields_is_not_sealed(self):
        sealed, key_id = self.sealer.seal(InvoicePosted, "e1", {"number": "INV/1"})

        assert key_id is None
        assert sealed == {"number": "INV/1"}
        assert phi_fields(InvoicePosted) == ("patient",)
