"""The hub's metrics read back through prometheus_client's own text parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from healthbridge.observability import OTHER, BoundedLabel, HubMetrics
from healthbridge.observability.mllp import ack_code, message_type

ADT_A01 = (
    b"MSH|^~\\&|EPIC|NORTH|HB|HUB|202611241200||ADT^A01^ADT_A01|MSG00001|P|2.5.1\r"
    b"PID|1||V123^^^NORTH^MR||Okafor^Ada\r"
)
ACK_AE = b"MSH|^~\\&|HB|HUB|EPIC|NORTH|202611241200||ACK^A01|ACK1|P|2.5.1\rMSA|AE|MSG00001\r"


def _samples(metrics: HubMetrics) -> list[Sample]:
    text = metrics.render().decode()
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def _value(metrics: HubMetrics, name: str, **labels: str) -> float:
    found = [s.value for s in _samples(metrics) if s.name == name and s.labels == labels]
    assert len(found) == 1, f"{name}{labels}: {found}"
    return found[0]


def test_every_family_is_named_by_prometheus_conventions(metrics: HubMetrics) -> None:
    text = metrics.render().decode()
    families = {f.name: f.type for f in text_string_to_metric_families(text)}
    assert families == {
        "healthbridge_gateway_request_duration_seconds": "histogram",
        "healthbridge_gateway_errors": "counter",
        "healthbridge_odoo_call_duration_seconds": "histogram",
        "healthbridge_odoo_calls": "counter",
        "healthbridge_odoo_call_errors": "counter",
        "healthbridge_stream_pending_messages": "gauge",
        "healthbridge_stream_consumer_lag_messages": "gauge",
        "healthbridge_events_published": "counter",
        "healthbridge_events_consumed": "counter",
        "healthbridge_dead_letter_messages": "gauge",
        "healthbridge_webhook_deliveries": "counter",
        "healthbridge_webhook_delivery_duration_seconds": "histogram",
        "healthbridge_workflow_duration_seconds": "histogram",
        "healthbridge_workflow_failures": "counter",
        "healthbridge_mllp_messages": "counter",
        "healthbridge_change_captures": "counter",
        "healthbridge_change_intake_pending": "gauge",
        "healthbridge_health_check_up": "gauge",
        "healthbridge_slo_error_budget_remaining_ratio": "gauge",
        "healthbridge_slo_burn_rate": "gauge",
        "healthbridge_slo_alert_firing": "gauge",
    }


def test_recorded_activity_appears_with_its_labels_and_values(metrics: HubMetrics) -> None:
    for status, seconds in ((200, 0.02), (201, 0.2), (503, 3.0)):
        metrics.record_gateway_request("/v1/stock/{sku}", "GET", "ehr-north", status, seconds)
    metrics.record_gateway_error("/v1/stock/{sku}", "odoo.unavailable")
    metrics.record_webhook_delivery("ep_pharmacy", "delivered", 0.08)
    metrics.record_webhook_delivery("ep_pharmacy", "failed", 30.0)
    metrics.record_workflow_run("supply_replenishment", "compensated", 42.0)
    metrics.record_workflow_failure("supply_replenishment", "create_purchase_order")
    metrics.set_stream_pending("ODOO_CHANGES", "webhooks", 12)
    metrics.set_consumer_lag("ODOO_CHANGES", "webhooks", 3)
    metrics.set_dead_letter_size("events", "webhooks", 2)
    metrics.record_event_published("ODOO_CHANGES", "duplicate")
    metrics.record_event_consumed("ODOO_CHANGES", "webhooks", "dead_letter")
    metrics.record_mllp_message(message_type(ADT_A01), ack_code(ACK_AE))
    metrics.record_change_captured("poller", "new")
    metrics.set_change_intake_pending(7)
    metrics.set_slo_status(
        "odoo-inventory",
        "availability",
        budget_remaining=0.75,
        burn_rates={"5m": 15.0, "1h": 14.4},
        alerts={"fast": True, "slow": False},
    )

    route = {"route": "/v1/stock/{sku}", "method": "GET", "client": "ehr-north"}
    hist = "healthbridge_gateway_request_duration_seconds"
    assert _value(metrics, f"{hist}_count", **route, status_class="2xx") == 2
    assert _value(metrics, f"{hist}_sum", **route, status_class="2xx") == 0.22
    assert _value(metrics, f"{hist}_bucket", **route, status_class="2xx", le="0.025") == 1
    assert _value(metrics, f"{hist}_count", **route, status_class="5xx") == 1
    assert (
        _value(
            metrics,
            "healthbridge_gateway_errors_total",
            route="/v1/stock/{sku}",
            kind="odoo.unavailable",
        )
        == 1
    )
    assert (
        _value(
            metrics,
            "healthbridge_webhook_deliveries_total",
            endpoint="ep_pharmacy",
            outcome="failed",
        )
        == 1
    )
    assert (
        _value(
            metrics,
            "healthbridge_webhook_delivery_duration_seconds_bucket",
            endpoint="ep_pharmacy",
            le="10.0",
        )
        == 1
    )
    assert (
        _value(
            metrics,
            "healthbridge_workflow_duration_seconds_count",
            workflow="supply_replenishment",
            outcome="compensated",
        )
        == 1
    )
    assert (
        _value(
            metrics,
            "healthbridge_stream_pending_messages",
            stream="ODOO_CHANGES",
            consumer="webhooks",
        )
        == 12
    )
    assert (
        _value(
            metrics,
            "healthbridge_stream_consumer_lag_messages",
            stream="ODOO_CHANGES",
            consumer="webhooks",
        )
        == 3
    )
    assert (
        _value(metrics, "healthbridge_dead_letter_messages", area="events", queue="webhooks") == 2
    )
    assert (
        _value(metrics, "healthbridge_mllp_messages_total", message_type="ADT^A01", ack_code="AE")
        == 1
    )
    assert _value(metrics, "healthbridge_change_intake_pending") == 7
    assert (
        _value(
            metrics,
            "healthbridge_slo_burn_rate",
            integration="odoo-inventory",
            slo="availability",
            window="1h",
        )
        == 14.4
    )
    assert (
        _value(
            metrics,
            "healthbridge_slo_alert_firing",
            integration="odoo-inventory",
            slo="availability",
            alert="fast",
        )
        == 1
    )


def test_odoo_errors_are_counted_by_their_stable_code(metrics: HubMetrics) -> None:
    metrics.record_odoo_call("stock.quant", "search_read", "ok", 0.01, protocol="json2")
    metrics.record_odoo_call(
        "stock.quant", "search_read", "error", 2.0, error_code="odoo.timeout", protocol="json2"
    )
    labels = {"model": "stock.quant", "method": "search_read"}
    assert _value(metrics, "healthbridge_odoo_calls_total", **labels, outcome="ok") == 1
    assert _value(metrics, "healthbridge_odoo_calls_total", **labels, outcome="error") == 1
    assert (
        _value(metrics, "healthbridge_odoo_call_errors_total", **labels, code="odoo.timeout") == 1
    )
    assert (
        _value(metrics, "healthbridge_odoo_call_duration_seconds_count", **labels, protocol="json2")
        == 2
    )


def test_client_ids_past_the_bound_are_folded_into_other() -> None:
    metrics = HubMetrics(client_limit=3)
    for n in range(10):
        metrics.record_gateway_request("/v1/x", "GET", f"client-{n}", 200, 0.01)
    clients = {
        s.labels["client"]
        for s in _samples(metrics)
        if s.name == "healthbridge_gateway_request_duration_seconds_count"
    }
    assert clients == {"client-0", "client-1", "client-2", OTHER}


def test_a_bounded_label_admits_known_values_after_the_bound_is_reached() -> None:
    bound = BoundedLabel(2)
    assert [bound(v) for v in ("a", "b", "c", "a", "", "x" * 500)] == [
        "a",
        "b",
        OTHER,
        "a",
        OTHER,
        OTHER,
    ]
    assert bound.admitted == 2


def test_an_unknown_ack_code_is_recorded_as_none(metrics: HubMetrics) -> None:
    metrics.record_mllp_message("ADT^A04", "ZZ")
    assert (
        _value(metrics, "healthbridge_mllp_messages_total", message_type="ADT^A04", ack_code="none")
        == 1
    )


class TestHl7HeaderReading:
    def test_the_message_type_comes_from_msh_9_components_one_and_two(self) -> None:
        assert message_type(ADT_A01) == "ADT^A01"

    def test_a_message_with_other_delimiters_is_read_too(self) -> None:
        assert message_type(b"MSH#$~\\&#A#B#C#D#T##DFT$P03#1#P#2.5.1\r") == "DFT^P03"

    def test_noise_and_truncated_headers_are_unknown(self) -> None:
        assert message_type(b"hello") == "unknown"
        assert message_type(b"MSH|^~\\&|A|B\r") == "unknown"
        assert message_type(b"MSH|^~\\&|A|B|C|D|T||<script>|1|P|2.5.1\r") == "unknown"

    def test_the_ack_code_comes_from_msa_1(self) -> None:
        assert ack_code(ACK_AE) == "AE"
        assert ack_code(b"") == "none"
        assert ack_code(b"MSH|^~\\&|HB\r") == "none"
