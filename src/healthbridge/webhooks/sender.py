"""One signed POST of a delivery, and what it tells about the receiver.

Signing happens per attempt (the timestamp is the attempt's), with every live secret of
the endpoint. The outcome is data, not an exception: the dispatcher decides what a 500
or a timeout means for the schedule.

Tracing (when set up): each attempt is a CLIENT span, child of the span the delivery's
stored ``traceparent`` names (the event's consumer), and the ``traceparent`` header sent
names the attempt's span, so the receiver's trace continues from this very attempt.
The span records the status code or the error kind; never the URL's path or query,
which may carry a token.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import aiohttp
from opentelemetry.trace import Span, SpanKind

from healthbridge.observability.tracing import (
    mark_failed,
    parent_of,
    traceparent_of,
    tracer,
    tracing_enabled,
)
from healthbridge.store.webhook_deliveries import DeliveryRecord
from healthbridge.store.webhook_endpoints import EndpointRecord
from healthbridge.webhooks.signing import secret_key, signature_header


@dataclass(frozen=True, slots=True)
class SendResult:
    """What one POST came to: a status code or an error kind, latency, an excerpt."""

    status_code: int | None
    error_kind: str | None
    latency_ms: float
    response_excerpt: str | None
    retry_after: str | None

    @property
    def ok(self) -> bool:
        """True for a 2xx answer: the receiver has the message."""
        return self.error_kind is None


def live_keys(endpoint: EndpointRecord, now: datetime) -> list[bytes]:
    """The keys to sign with: the current secret, and the previous one during its overlap."""
    keys = [secret_key(endpoint.secret)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        keys.append(secret_key(endpoint.previous_secret))
    return keys


def signed_headers(
    endpoint: EndpointRecord, delivery: DeliveryRecord, body: bytes, now: datetime
) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt (``webhook-id`` is the event id)."""
    timestamp = int(now.timestamp())
    headers = {
        "content-type": "application/json",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            live_keys(endpoint, now), delivery.event_id, timestamp, body
        ),
    }
    if delivery.traceparent:
        headers["traceparent"] = delivery.traceparent
    return headers


class Sender:
    """POSTs deliveries through one shared aiohttp session."""

    def __init__(self, session: aiohttp.ClientSession, *, excerpt_chars: int = 512) -> None:
        self._session = session
        self._excerpt = excerpt_chars

    async def send(
        self, endpoint: EndpointRecord, delivery: DeliveryRecord, now: datetime
    ) -> SendResult:
        """POST once; never raises for what the receiver or the network did."""
        if not tracing_enabled():
            return await self._post(endpoint, delivery, now, None)
        span = _attempt_span(endpoint, delivery)
        try:
            result = await self._post(endpoint, delivery, now, traceparent_of(span))
        except BaseException as exc:
            mark_failed(span, type(exc).__name__)
            raise
        else:
            if result.status_code is not None:
                span.set_attribute("http.response.status_code", result.status_code)
            if result.error_kind is not None:
                kind = result.error_kind
                mark_failed(span, str(result.status_code) if kind == "http_status" else kind)
        finally:
            span.end()
        return result

    async def _post(
        self,
        endpoint: EndpointRecord,
        delivery: DeliveryRecord,
        now: datetime,
        traceparent: str | None,
    ) -> SendResult:
        body = delivery.body.encode("utf-8")
        headers = signed_headers(endpoint, delivery, body, now)
        if traceparent is not None:
            headers["traceparent"] = traceparent
        started = time.perf_counter()
        try:
            async with self._session.post(
                endpoint.url, data=body, headers=headers, allow_redirects=False
            ) as response:
                text = await response.text(errors="replace") if self._excerpt else ""
                status = response.status
                retry_after = response.headers.get("Retry-After")
        except TimeoutError:
            return self._error("timeout", started)
        except aiohttp.ClientConnectorError:
            return self._error("connection", started)
        except (aiohttp.ClientError, asyncio.IncompleteReadError):
            return self._error("protocol", started)
        latency = (time.perf_counter() - started) * 1000
        excerpt = text[: self._excerpt] or None
        if 200 <= status < 300:
            return SendResult(status, None, latency, excerpt, None)
        return SendResult(status, "http_status", latency, excerpt, retry_after)

    @staticmethod
    def _error(kind: str, started: float) -> SendResult:
        return SendResult(None, kind, (time.perf_counter() - started) * 1000, None, None)


def _attempt_span(endpoint: EndpointRecord, delivery: DeliveryRecord) -> Span:
    """The CLIENT span of one attempt, under the delivery's stored trace context."""
    address = urlsplit(endpoint.url)
    return tracer().start_span(
        "webhook POST",
        context=parent_of(delivery.traceparent),
        kind=SpanKind.CLIENT,
        attributes={
            "http.request.method": "POST",
            "server.address": address.hostname or "",
            "server.port": address.port or (443 if address.scheme == "https" else 80),
            "healthbridge.webhook.endpoint_id": endpoint.id,
            "healthbridge.webhook.event_type": delivery.event_type,
            "healthbridge.webhook.delivery_id": delivery.id,
            "healthbridge.webhook.attempt": delivery.attempts + 1,
        },
    )
