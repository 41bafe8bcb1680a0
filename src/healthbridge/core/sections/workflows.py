"""Settings of the workflows area: the DBOS engine, human tasks and the supplier peer."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator

from healthbridge.core.sections.base import Section


class WorkflowsSettings(Section):
    """Durable workflows and batch sync (DBOS), human tasks."""

    system_database_url: str | None = Field(
        None,
        description="DBOS system database (sync SQLAlchemy URL), e.g. "
        "postgresql://hub@db/hub_dbos; default: SQLite file dbos.sqlite under data_dir, "
        "apart from the hub's own store.",
    )
    system_schema: str = Field(
        "dbos",
        description="PostgreSQL schema of DBOS's own tables; keeps them apart from the "
        "hub's tables when both share one database.",
    )
    application_version: str = Field(
        "healthbridge-workflows-1",
        min_length=1,
        description="Pinned DBOS application version: unfinished runs are recovered only "
        "by workers with the same version, so change it only when old runs may not resume.",
    )
    executor_id: str = Field(
        "local",
        min_length=1,
        description="This worker's DBOS executor id; unique per worker process.",
    )
    heartbeat_seconds: float = Field(
        5.0, gt=0, le=300, description="How often a worker records that it is alive."
    )
    executor_dead_after_seconds: float = Field(
        60.0,
        gt=0,
        le=86_400,
        description="A worker silent this long is gone for good: a survivor resumes its "
        "unfinished runs.",
    )
    approval_threshold: float = Field(
        1000.0,
        ge=0,
        description="Orders below this amount (company currency) are approved "
        "automatically; at or above it a human task is opened.",
    )
    approver: str = Field("purchasing", description="Who gets new approval tasks.")
    escalation_assignee: str = Field(
        "purchasing-manager", description="Who gets an approval task once it is overdue."
    )
    task_due_seconds: float = Field(
        86_400.0, gt=0, description="Time given to decide an approval task."
    )
    escalation_seconds: float = Field(
        86_400.0,
        gt=0,
        description="Time given after escalation before the request lapses and is compensated.",
    )
    reorder_point: float = Field(
        10.0, ge=0, description="Default reorder point: below it a location is replenished."
    )
    reorder_quantity: float = Field(
        50.0, gt=0, description="Default quantity ordered when a location runs low."
    )
    supplier_url: str = Field(
        "http://127.0.0.1:8790",
        description="Base URL of the supplier API (the supplier sandbox by default).",
    )
    supplier_notification_url: str | None = Field(
        None,
        description="Where the supplier takes order notifications; default: "
        "supplier_url + /notifications.",
    )
    supplier_timeout_seconds: float = Field(
        10.0, gt=0, le=300, description="Timeout of one supplier call."
    )
    supplier_partner_id: int = Field(
        0,
        ge=0,
        description="Odoo res.partner id of the default supplier; 0 means the first vendor found.",
    )
    payer_url: str = Field(
        "http://127.0.0.1:8791",
        description="Base URL of the payer's FHIR endpoint (the payer sandbox by default).",
    )
    payer_token_url: str | None = Field(
        None,
        description="OAuth 2.0 token endpoint of the payer; default: payer_url + /oauth/token.",
    )
    payer_client_id: str = Field(
        "healthbridge", description="The hub's OAuth client id at the payer."
    )
    payer_client_secret: SecretStr | None = Field(
        None, description="The hub's OAuth client secret at the payer (environment only)."
    )
    payer_scope: str = Field("system/Claim.write", description="OAuth scope asked of the payer.")
    payer_token_skew_seconds: float = Field(
        30.0, ge=0, le=3600, description="Refresh a payer token this long before it expires."
    )
    claim_denial_assignee: str = Field(
        "billing", description="Who gets the task opened when a payer denies a claim."
    )
    claim_partner_tag: str = Field(
        "Patient",
        min_length=1,
        description="A posted invoice is claimed from the payer when its partner carries "
        "this tag and a ref (the member id sent as the coverage).",
    )
    batch_schedule: str = Field(
        "0 */15 * * * *",
        description="Cron (6 fields, with seconds) of the scheduled batch sync.",
    )
    batch_models: tuple[str, ...] = Field(
        ("product.product",),
        description="Odoo models mirrored by the batch sync and reconciled each run.",
    )
    pause_at_step: str | None = Field(
        None,
        description="Test hook for fault drills only: a step of this name stops after "
        "acting and before it is recorded, so a SIGKILL lands inside it.",
    )

    @field_validator("system_database_url")
    @classmethod
    def _url_is_sync(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite:///", "postgresql://")):
            raise ValueError(
                "use sqlite:///path.sqlite or postgresql://user@host/db (DBOS wants a "
                "synchronous driver URL)"
            )
        return value

    def system_database(self, data_dir: Path) -> str:
        """The DBOS system database URL, defaulting to ``data_dir/dbos.sqlite``."""
        if self.system_database_url:
            return self.system_database_url
        return f"sqlite:///{(data_dir / 'dbos.sqlite').as_posix()}"

    def token_url(self) -> str:
        """The payer's OAuth 2.0 token endpoint."""
        return self.payer_token_url or f"{self.payer_url.rstrip('/')}/oauth/token"

    def notification_url(self) -> str:
        """Where the supplier is notified of a confirmed order."""
        return self.supplier_notification_url or f"{self.supplier_url.rstrip('/')}/notifications"
