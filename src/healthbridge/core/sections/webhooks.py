"""Settings of the webhooks area."""

from __future__ import annotations

import re

from pydantic import Field, HttpUrl, SecretStr, field_validator, model_validator

from healthbridge.core.sections.base import Section

_WHSEC = re.compile(r"^whsec_[A-Za-z0-9+/]{32,88}={0,2}$")

DEFAULT_RETRY_SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
"""Like the big providers: seconds, then minutes, then hours; about 27 hours in all."""


class InboundSource(Section):
    """A partner allowed to POST signed webhooks to the hub."""

    secrets: tuple[SecretStr, ...] = Field(
        ...,
        min_length=1,
        description="The partner's whsec_ secrets; two during a rotation (env only).",
    )

    @field_validator("secrets")
    @classmethod
    def _whsec(cls, value: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        for secret in value:
            if not _WHSEC.match(secret.get_secret_value()):
                # The message never echoes the value: it is a secret.
                raise ValueError("each secret must be whsec_ followed by base64 key bytes")
        return value


class WebhooksSettings(Section):
    """Outbound and inbound webhooks: signing, retries, breakers, the delivery log."""

    dispatcher_enabled: bool = Field(
        True, description="Run the delivery worker in this process (off for API-only roles)."
    )
    fanout_enabled: bool = Field(
        True,
        description="Turn events into deliveries in this process; off when `healthbridge "
        "worker` processes do it (with dispatcher_enabled off too).",
    )
    api_base_url: str = Field(
        "http://127.0.0.1:8700",
        description="Base URL of the governed API; thin notifications link to routes under it.",
    )
    link_templates: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Extra or overriding links per event type without version suffix, e.g. "
            "{'org.healthbridge.stock.level-changed': '/api/v1/stock-levels/{subject}'}."
        ),
    )
    retry_schedule_seconds: tuple[float, ...] = Field(
        DEFAULT_RETRY_SCHEDULE,
        min_length=1,
        description="Delay before each retry (full jitter: a random time up to it); then failed.",
    )
    max_retry_after_seconds: float = Field(
        36000.0, gt=0, description="Longest Retry-After from a 429/503 the dispatcher honours."
    )
    request_timeout_seconds: float = Field(
        15.0, gt=0, le=300, description="Total time allowed for one POST."
    )
    lease_seconds: float = Field(
        60.0,
        gt=0,
        description="How long a claimed delivery stays with its worker; then any worker takes it.",
    )
    max_in_flight: int = Field(256, ge=1, le=10_000, description="POSTs in flight in all.")
    max_in_flight_per_endpoint: int = Field(
        32, ge=1, le=10_000, description="POSTs in flight to one endpoint."
    )
    connection_limit: int = Field(
        256, ge=1, le=10_000, description="Open connections of the shared HTTP session."
    )
    claim_batch_size: int = Field(256, ge=1, le=10_000, description="Deliveries claimed per query.")
    poll_interval_seconds: float = Field(
        1.0, gt=0, description="Longest wait between claims when nothing new was accepted."
    )
    flush_interval_seconds: float = Field(
        0.02, gt=0, description="Longest time an outcome waits to be written with others."
    )
    breaker_failure_threshold: int = Field(
        10, ge=1, description="Consecutive failures that open an endpoint's circuit breaker."
    )
    breaker_reset_seconds: float = Field(
        30.0, gt=0, description="Time an open breaker waits before one probe delivery."
    )
    disable_after_failing_seconds: float = Field(
        5 * 86400.0,
        gt=0,
        description="An endpoint failing without a success for this long is disabled.",
    )
    wake_window_seconds: float = Field(
        6 * 3600.0,
        gt=0,
        description="Resuming never wakes deliveries older than this: they become expired.",
    )
    secret_overlap_seconds: float = Field(
        86400.0, ge=0, description="How long the previous secret still signs after a rotation."
    )
    response_excerpt_chars: int = Field(
        512, ge=0, le=65536, description="Characters of a response body kept per attempt."
    )
    owner_notification_url: HttpUrl | None = Field(
        None, description="If set, owner notifications (endpoint disabled) are POSTed here."
    )
    user_agent: str = Field("Healthbridge-Webhooks/1", description="User-Agent of deliveries.")
    inbound_tolerance_seconds: float = Field(
        300.0, gt=0, description="Largest clock difference accepted on inbound webhook-timestamp."
    )
    inbound_sources: dict[str, InboundSource] = Field(
        default_factory=dict,
        description="Partners that may POST signed webhooks, by source name (env only).",
    )

    @field_validator("retry_schedule_seconds")
    @classmethod
    def _non_negative(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(delay < 0 for delay in value):
            raise ValueError("retry delays must be zero or more seconds")
        return value

    @model_validator(mode="after")
    def _lease_outlives_a_request(self) -> WebhooksSettings:
        if self.lease_seconds <= self.request_timeout_seconds:
            raise ValueError(
                "webhooks.lease_seconds must exceed webhooks.request_timeout_seconds, "
                "or a slow delivery would be taken by a second worker"
            )
        return self
