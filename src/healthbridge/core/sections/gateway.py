"""Settings of the gateway area."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, SecretStr, field_validator, model_validator

from healthbridge.core.sections.base import Section


class ApiDeprecation(Section):
    """One deprecated API surface: the routes under ``path_prefix`` and their sunset."""

    path_prefix: str = Field(..., description="Routes whose path starts with this, e.g. /api/v1.")
    deprecated_at: datetime = Field(
        ..., description="When the surface was deprecated (sent as the Deprecation header)."
    )
    sunset: datetime | None = Field(
        None, description="When it stops answering; after it every route under it answers 410."
    )
    successor: str | None = Field(
        None, description="Link to the successor version, e.g. /api/v2 (rel=successor-version)."
    )

    @field_validator("path_prefix")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /, e.g. /api/v1")
        return value.rstrip("/")

    @field_validator("deprecated_at", "sunset")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone, e.g. 2027-01-31T00:00:00Z")
        return value


class GatewaySettings(Section):
    """The gateway: tokens, external identity providers, quotas, idempotency, versions."""

    issuer: str = Field(
        "urn:healthbridge:gateway", description="The iss claim of tokens this gateway issues."
    )
    audience: str = Field(
        "healthbridge-api", description="The aud claim every access token must carry."
    )
    token_ttl_seconds: int = Field(
        300, ge=30, le=3600, description="Lifetime of an issued access token."
    )
    leeway_seconds: int = Field(
        30, ge=0, le=300, description="Clock skew tolerated on exp/iat/nbf."
    )
    key_rotation_days: float = Field(
        30.0, gt=0, description="Age after which a new signing key replaces the current one."
    )
    key_overlap_seconds: int = Field(
        3600,
        ge=60,
        description="How long a replaced key still verifies (at least the token lifetime).",
    )
    key_refresh_seconds: float = Field(
        60.0, gt=0, description="How often a gateway re-reads the shared key ring from the store."
    )
    key_encryption_secret: SecretStr | None = Field(
        None,
        description="Encrypts private signing keys in the store (AES-256-GCM); env only. "
        "Without it keys are stored in clear and a warning is logged at start.",
    )
    external_issuer: str | None = Field(
        None, description="iss of an external identity provider whose tokens are accepted."
    )
    external_audience: str | None = Field(
        None, description="aud the external IdP's tokens carry (default: audience)."
    )
    external_jwks_url: str | None = Field(
        None, description="JWKS URL of the external IdP (fetched, cached, refreshed)."
    )
    external_algorithms: tuple[str, ...] = Field(
        ("RS256", "ES256"), description="Signature algorithms accepted from the external IdP."
    )
    external_environment: str | None = Field(
        None,
        description="Environment of tokens from the external IdP that carry no env claim; "
        "without it such tokens are refused.",
    )
    external_jwks_cache_seconds: float = Field(
        300.0, gt=0, description="How long a fetched JWKS is trusted before re-fetching."
    )
    client_cache_seconds: float = Field(
        5.0,
        gt=0,
        le=300,
        description="How long the enabled state of clients is cached (revocation delay).",
    )
    redis_url: str | None = Field(
        None,
        description="Redis for shared quotas and idempotency locks across gateway processes, "
        "e.g. redis://127.0.0.1:6379/0; default: in-process.",
    )
    quota_default: str = Field(
        "600/minute", description="Requests a client may make (limits syntax: N/second|minute)."
    )
    quota_overrides: dict[str, str] = Field(
        default_factory=dict, description="Per-client quota, client id -> limit string."
    )
    idempotency_ttl_seconds: int = Field(
        86_400, ge=60, description="How long a stored response can be replayed for its key."
    )
    idempotency_wait_seconds: float = Field(
        5.0,
        ge=0,
        le=60,
        description="How long a request waits for another in flight with the same key "
        "before answering 409.",
    )
    idempotency_claim_timeout_seconds: float = Field(
        60.0,
        ge=1,
        le=86_400,
        description="How long an unfinished claim on an Idempotency-Key holds: past it the "
        "claiming process is presumed dead and a retry may run the write. Set it above the "
        "slowest write (a live claim taken over runs the write twice) and at least "
        "idempotency_wait_seconds.",
    )
    idempotency_max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest write body accepted (it is hashed and kept)."
    )
    deprecations: tuple[ApiDeprecation, ...] = Field(
        (), description="Deprecated API surfaces with their sunset dates and successors."
    )
    audit_queue_size: int = Field(
        10_000, ge=1, description="Audit entries waiting to be written before requests wait."
    )
    audit_batch_size: int = Field(500, ge=1, le=10_000, description="Entries per audit write.")
    audit_flush_seconds: float = Field(
        0.2, gt=0, le=60, description="Longest time an audit entry waits in memory."
    )
    docs_public: bool = Field(
        True, description="Serve /openapi.json and /docs without a token (they hold no data)."
    )
    inventory_staleness_seconds: float = Field(
        60.0,
        gt=0,
        description="Availability older than this in the read model is read through to Odoo.",
    )
    inventory_cache_seconds: float = Field(
        1.0,
        ge=0,
        description="How long a gateway process trusts its in-memory copy of the read model.",
    )
    credit_hold_after_days: int = Field(
        30, ge=1, description="An account with an invoice overdue this long is on credit hold."
    )

    @field_validator("quota_default")
    @classmethod
    def _limit_syntax(cls, value: str) -> str:
        from limits import parse  # noqa: PLC0415 - validation only

        try:
            parse(value)
        except ValueError:
            raise ValueError("use the limits syntax, e.g. 600/minute or 10/second") from None
        return value

    @model_validator(mode="after")
    def _claim_outlives_the_wait(self) -> GatewaySettings:
        if self.idempotency_claim_timeout_seconds < self.idempotency_wait_seconds:
            raise ValueError(
                "idempotency_claim_timeout_seconds must be at least idempotency_wait_seconds: "
                "a claim must not be taken over while a retry may still wait for its answer"
            )
        return self

    @field_validator("redis_url")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://")):
            raise ValueError("use redis://host:port/db or rediss://...")
        return value
