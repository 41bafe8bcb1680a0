"""The hub's Prometheus metrics: one registry, every family, and one typed recorder per fact.

Other areas never touch ``prometheus_client``: they call ``record_*`` / ``set_*`` here,
so family names, label sets and buckets are decided in one place and stay consistent
(``healthbridge_<area>_<what>_<unit>``, counters ending ``_total``). Every label whose
values come from outside the code (route, client, endpoint, model, stream) is bounded
(see ``labels.BoundedLabel``), and routes are templates (``/v1/patients/{id}``), never
raw paths.

Recording is cheap: a labelled child is looked up once and kept in a dict, so the hot
path is a dict hit plus prometheus_client's own increment (about a microsecond).

The registry is the hub's own, not prometheus_client's process-wide default, so two hubs
in one test process, or a library that registers its own collectors, never collide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Generic, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

from healthbridge.observability.labels import BoundedLabel

NAMESPACE: Final = "healthbridge"

METRICS_CONTENT_TYPE: Final = CONTENT_TYPE_PLAIN_0_0_4
"""The Prometheus text exposition format 0.0.4, which every scraper reads."""

REQUEST_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
WEBHOOK_BUCKETS: Final = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
WORKFLOW_BUCKETS: Final = (1.0, 5.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 14400.0, 86400.0, 259200.0)

_FAST_ENTRIES: Final = 10_000
"""Raw label combinations remembered; past this, lookups take the (still bounded) slow path."""

ACK_CODES: Final = frozenset({"AA", "AE", "AR", "CA", "CE", "CR"})

_C = TypeVar("_C", Counter, Gauge, Histogram)


class _Children(Generic[_C]):
    """A family's labelled children, looked up once: ``labels()`` takes a lock each call."""

    __slots__ = ("_cache", "_family")

    def __init__(self, family: _C) -> None:
        self._family: _C = family
        self._cache: dict[tuple[str, ...], _C] = {}

    def __call__(self, *values: str) -> _C:
        child = self._cache.get(values)
        if child is None:
            child = self._family.labels(*values)
            self._cache[values] = child
        return child


def _status_class(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status <= 599 else "other"


class HubMetrics:
    """Every metric family of one hub, on one registry.

    ``client_limit`` and friends bound the distinct values of labels that come from
    outside; a value past the bound is recorded as ``other``.
    """

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        *,
        route_limit: int = 200,
        client_limit: int = 100,
        endpoint_limit: int = 500,
        model_limit: int = 200,
        stream_limit: int = 200,
        workflow_limit: int = 100,
        integration_limit: int = 200,
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        reg = self.registry
        self._route = BoundedLabel(route_limit)
        self._client = BoundedLabel(client_limit)
        self._endpoint = BoundedLabel(endpoint_limit)
        self._model = BoundedLabel(model_limit)
        self._method = BoundedLabel(model_limit)
        self._stream = BoundedLabel(stream_limit)
        self._workflow = BoundedLabel(workflow_limit)
        self._integration = BoundedLabel(integration_limit)
        self._word = BoundedLabel(64)
        """Outcomes, kinds, error codes, message types: small vocabularies from code."""
        self._fast: dict[tuple[object, ...], tuple[Any, ...]] = {}
        """Hot paths: raw label values -> their children, so a repeat skips the bounding."""

        self._requests = _Children(
            Histogram(
                "gateway_request_duration_seconds",
                "Gateway request latency, by route template, method, client and status class.",
                ["route", "method", "client", "status_class"],
                namespace=NAMESPACE,
                registry=reg,
                buckets=REQUEST_BUCKETS,
            )
        )
        self._gateway_errors = _Children(
            Counter(
                "gateway_errors_total",
                "Gateway requests that ended in an error, by route template and error kind.",
                ["route", "kind"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._odoo_latency = _Children(
            Histogram(
                "odoo_call_duration_seconds",
                "Odoo call latency (retries included), by model, method and protocol.",
                ["model", "method", "protocol"],
                namespace=NAMESPACE,
                registry=reg,
                buckets=REQUEST_BUCKETS,
            )
        )
        self._odoo_calls = _Children(
            Counter(
                "odoo_calls_total",
                "Odoo calls, by model, method and outcome (ok or error).",
                ["model", "method", "outcome"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._odoo_errors = _Children(
            Counter(
                "odoo_call_errors_total",
                "Failed Odoo calls, by model, method and the error's stable code.",
                ["model", "method", "code"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._stream_pending = _Children(
            Gauge(
                "stream_pending_messages",
                "Messages of a stream not yet delivered to a durable consumer.",
                ["stream", "consumer"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._consumer_lag = _Children(
            Gauge(
                "stream_consumer_lag_messages",
                "Messages delivered to a durable consumer and not yet acknowledged.",
                ["stream", "consumer"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._events_published = _Children(
            Counter(
                "events_published_total",
                "Events published, by stream and outcome (stored, duplicate, failed).",
                ["stream", "outcome"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._events_consumed = _Children(
            Counter(
                "events_consumed_total",
                "Events handled by a consumer, by outcome (ack, nak, term, dead_letter).",
                ["stream", "consumer", "outcome"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._dead_letters = _Children(
            Gauge(
                "dead_letter_messages",
                "Messages waiting in a dead-letter store, by area and queue.",
                ["area", "queue"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._webhooks = _Children(
            Counter(
                "webhook_deliveries_total",
                "Webhook delivery attempts, by endpoint and outcome.",
                ["endpoint", "outcome"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._webhook_latency = _Children(
            Histogram(
                "webhook_delivery_duration_seconds",
                "Webhook delivery attempt latency, by endpoint.",
                ["endpoint"],
                namespace=NAMESPACE,
                registry=reg,
                buckets=WEBHOOK_BUCKETS,
            )
        )
        self._workflow_latency = _Children(
            Histogram(
                "workflow_duration_seconds",
                "Workflow run durations, start to end, by workflow and outcome.",
                ["workflow", "outcome"],
                namespace=NAMESPACE,
                registry=reg,
                buckets=WORKFLOW_BUCKETS,
            )
        )
        self._workflow_failures = _Children(
            Counter(
                "workflow_failures_total",
                "Workflow steps that failed, by workflow and step.",
                ["workflow", "step"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._mllp = _Children(
            Counter(
                "mllp_messages_total",
                "HL7 v2 messages received over MLLP, by message type and the ACK code sent.",
                ["message_type", "ack_code"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._captures = _Children(
            Counter(
                "change_captures_total",
                "Odoo changes seen by change capture, by source and outcome.",
                ["source", "outcome"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._intake_pending = Gauge(
            "change_intake_pending",
            "Odoo webhooks accepted but not yet recorded in the change log.",
            namespace=NAMESPACE,
            registry=reg,
        )
        self._health = _Children(
            Gauge(
                "health_check_up",
                "1 when a readiness check last passed, 0 when it failed.",
                ["check"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._budget = _Children(
            Gauge(
                "slo_error_budget_remaining_ratio",
                "Share of the SLO window's error budget left (negative when overspent).",
                ["integration", "slo"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._burn = _Children(
            Gauge(
                "slo_burn_rate",
                "Error budget burn rate over a window (1 spends the budget exactly).",
                ["integration", "slo", "window"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )
        self._alerts = _Children(
            Gauge(
                "slo_alert_firing",
                "1 while a multiwindow burn-rate alert fires, by alert (fast or slow).",
                ["integration", "slo", "alert"],
                namespace=NAMESPACE,
                registry=reg,
            )
        )

    def _remember(self, key: tuple[object, ...], children: tuple[Any, ...]) -> None:
        """Keep the children of a raw label combination, up to a bound (values from outside)."""
        if len(self._fast) < _FAST_ENTRIES:
            self._fast[key] = children

    # -- gateway -------------------------------------------------------------------

    def record_gateway_request(
        self, route: str, method: str, client: str, status: int, seconds: float
    ) -> None:
        """One gateway request; ``route`` is the template, ``client`` the client id."""
        key = ("gateway", route, method, client, status)
        children = self._fast.get(key)
        if children is None:
            children = (
                self._requests(
                    self._route(route),
                    self._word(method),
                    self._client(client),
                    _status_class(status),
                ),
            )
            self._remember(key, children)
        children[0].observe(seconds)

    def record_gateway_error(self, route: str, kind: str) -> None:
        """One failed request; ``kind`` is the error's stable code (``auth.insufficient_scope``)."""
        self._gateway_errors(self._route(route), self._word(kind)).inc()

    # -- Odoo ----------------------------------------------------------------------

    def record_odoo_call(
        self,
        model: str,
        method: str,
        outcome: str,
        seconds: float,
        *,
        error_code: str | None = None,
        protocol: str = "unknown",
    ) -> None:
        """One Odoo call, retries included; ``error_code`` is the error's stable code."""
        key = ("odoo", model, method, outcome, protocol)
        children = self._fast.get(key)
        if children is None:
            m, meth = self._model(model), self._method(method)
            children = (
                self._odoo_latency(m, meth, self._word(protocol)),
                self._odoo_calls(m, meth, self._word(outcome)),
            )
            self._remember(key, children)
        children[0].observe(seconds)
        children[1].inc()
        if outcome != "ok":
            m, meth = self._model(model), self._method(method)
            self._odoo_errors(m, meth, self._word(error_code or "unknown")).inc()

    # -- events --------------------------------------------------------------------

    def set_stream_pending(self, stream: str, consumer: str, pending: int) -> None:
        """Messages of ``stream`` not yet delivered to ``consumer`` (JetStream num_pending)."""
        self._stream_pending(self._stream(stream), self._stream(consumer)).set(pending)

    def set_consumer_lag(self, stream: str, consumer: str, ack_pending: int) -> None:
        """Messages delivered to ``consumer`` and not acknowledged (JetStream num_ack_pending)."""
        self._consumer_lag(self._stream(stream), self._stream(consumer)).set(ack_pending)

    def record_event_published(self, stream: str, outcome: str) -> None:
        """One publish: ``stored``, ``duplicate`` (deduplicated by id) or ``failed``."""
        self._events_published(self._stream(stream), self._word(outcome)).inc()

    def record_event_consumed(self, stream: str, consumer: str, outcome: str) -> None:
        """One handled message: ``ack``, ``nak``, ``term`` or ``dead_letter``."""
        self._events_consumed(
            self._stream(stream), self._stream(consumer), self._word(outcome)
        ).inc()

    def set_dead_letter_size(self, area: str, queue: str, size: int) -> None:
        """Messages waiting in one dead-letter queue (``events``/``webhooks``/``hl7``)."""
        self._dead_letters(self._word(area), self._stream(queue)).set(size)

    # -- webhooks ------------------------------------------------------------------

    def record_webhook_delivery(self, endpoint: str, outcome: str, seconds: float) -> None:
        """One delivery attempt to ``endpoint`` (its id, never its URL)."""
        key = ("webhook", endpoint, outcome)
        children = self._fast.get(key)
        if children is None:
            label = self._endpoint(endpoint)
            children = (self._webhooks(label, self._word(outcome)), self._webhook_latency(label))
            self._remember(key, children)
        children[0].inc()
        children[1].observe(seconds)

    # -- workflows -----------------------------------------------------------------

    def record_workflow_run(self, workflow: str, outcome: str, seconds: float) -> None:
        """One finished run: ``succeeded``, ``failed``, ``compensated`` or ``cancelled``."""
        self._workflow_latency(self._workflow(workflow), self._word(outcome)).observe(seconds)

    def record_workflow_failure(self, workflow: str, step: str) -> None:
        """One failed step (before its retry or compensation)."""
        self._workflow_failures(self._workflow(workflow), self._word(step)).inc()

    # -- HL7 v2, change capture, health ------------------------------------------------

    def record_mllp_message(self, message_type: str, ack_code: str) -> None:
        """One MLLP message answered; ``message_type`` like ``ADT^A01``."""
        code = ack_code if ack_code in ACK_CODES else "none"
        self._mllp(self._word(message_type), code).inc()

    def record_change_captured(self, source: str, outcome: str, count: int = 1) -> None:
        """Odoo changes seen by ``webhook`` or ``poller``: ``new``, ``seen`` or ``dropped``."""
        if count:
            self._captures(self._word(source), self._word(outcome)).inc(count)

    def set_change_intake_pending(self, pending: int) -> None:
        """Webhooks waiting in the intake queue."""
        self._intake_pending.set(pending)

    def watch_change_intake(self, pending: Callable[[], float]) -> None:
        """Read the intake queue length at each scrape (``ChangeIntake.pending``), not per call."""
        self._intake_pending.set_function(pending)

    def set_health_check(self, check: str, up: bool) -> None:
        """The last result of one readiness check."""
        self._health(self._word(check)).set(1 if up else 0)

    # -- SLOs ----------------------------------------------------------------------

    def set_slo_status(
        self,
        integration: str,
        slo: str,
        *,
        budget_remaining: float,
        burn_rates: Mapping[str, float],
        alerts: Mapping[str, bool],
    ) -> None:
        """An SLO evaluation: budget left, burn per window (``5m``..``6h``), alerts firing."""
        name, kind = self._integration(integration), self._word(slo)
        self._budget(name, kind).set(budget_remaining)
        for window, rate in burn_rates.items():
            self._burn(name, kind, self._word(window)).set(rate)
        for alert, firing in alerts.items():
            self._alerts(name, kind, self._word(alert)).set(1 if firing else 0)

    # -- exposition ----------------------------------------------------------------

    def render(self) -> bytes:
        """The registry in the Prometheus text format (``METRICS_CONTENT_TYPE``)."""
        return generate_latest(self.registry)


METRICS = HubMetrics()
"""The process's metrics; the functions below record into it."""

record_gateway_request = METRICS.record_gateway_request
record_gateway_error = METRICS.record_gateway_error
record_odoo_call = METRICS.record_odoo_call
set_stream_pending = METRICS.set_stream_pending
set_consumer_lag = METRICS.set_consumer_lag
record_event_published = METRICS.record_event_published
record_event_consumed = METRICS.record_event_consumed
set_dead_letter_size = METRICS.set_dead_letter_size
record_webhook_delivery = METRICS.record_webhook_delivery
record_workflow_run = METRICS.record_workflow_run
record_workflow_failure = METRICS.record_workflow_failure
record_mllp_message = METRICS.record_mllp_message
record_change_captured = METRICS.record_change_captured
set_change_intake_pending = METRICS.set_change_intake_pending
watch_change_intake = METRICS.watch_change_intake
set_health_check = METRICS.set_health_check
set_slo_status = METRICS.set_slo_status


def render_metrics() -> bytes:
    """The process's metrics in the Prometheus text format."""
    return METRICS.render()
