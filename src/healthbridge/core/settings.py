"""The one typed Settings tree, read once at start-up.

Sources, highest priority first: keyword arguments (tests), ``HEALTHBRIDGE_``-prefixed
environment variables (``__`` separates sections: ``HEALTHBRIDGE_ODOO__URL``), secret
files named by ``HEALTHBRIDGE_<KEY>_FILE`` (``HEALTHBRIDGE_ODOO__API_KEY_FILE``), then
``healthbridge.yaml``. Secrets are refused in the YAML file: it is the file people
commit and paste into tickets.

Every default runs embedded, with no services: SQLite under ``data_dir`` and the Odoo
sandbox when no Odoo URL is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from healthbridge.core.errors import ConfigError
from healthbridge.core.sections import (
    EventsSettings,
    GatewaySettings,
    GovernanceSettings,
    ObservabilitySettings,
    WebhooksSettings,
    WorkflowsSettings,
)

ENV_PREFIX = "HEALTHBRIDGE_"
ENV_NESTED = "__"
DEFAULT_CONFIG_FILE = Path("healthbridge.yaml")

OdooProtocolName = Literal["auto", "json2", "jsonrpc", "xmlrpc"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OdooSettings(_Section):
    """How the hub reaches Odoo. Without ``url`` the hub starts its own Odoo sandbox."""

    url: str | None = Field(None, description="Base URL of Odoo, e.g. https://erp.example.org.")
    database: str = Field("healthbridge", description="Odoo database name (X-Odoo-Database).")
    login: str = Field("hub-integration", description="Login of the integration user (RPC).")
    api_key: SecretStr | None = Field(None, description="API key of the integration user.")
    protocol: OdooProtocolName = Field(
        "auto", description="json2 (Odoo 19+), jsonrpc or xmlrpc; auto picks from the version."
    )
    timeout_seconds: float = Field(10.0, gt=0, le=600, description="Deadline of one call.")
    connect_timeout_seconds: float = Field(3.0, gt=0, le=60, description="TCP connect deadline.")
    max_connections: int = Field(32, ge=1, le=1024, description="Connection pool bound.")
    retry_attempts: int = Field(3, ge=1, le=10, description="Attempts for reads/idempotent calls.")
    retry_initial_backoff_seconds: float = Field(0.1, gt=0, le=30, description="First backoff.")
    retry_max_backoff_seconds: float = Field(2.0, gt=0, le=300, description="Backoff ceiling.")
    breaker_failure_threshold: int = Field(
        5, ge=1, le=1000, description="Consecutive failures that open the circuit breaker."
    )
    breaker_reset_seconds: float = Field(
        10.0,
        gt=0,
        le=3600,
        description="How long the breaker stays open before one probe call: a recovered "
        "Odoo is used again within 10 s, for one call every 10 s to one still down.",
    )
    fields_cache_seconds: float = Field(300.0, ge=0, description="How long fields_get is cached.")

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value


class StoreSettings(_Section):
    """Where Healthbridge keeps its own state (watermarks, change records, audit)."""

    url: str | None = Field(
        None,
        description="SQLAlchemy URL, e.g. postgresql+asyncpg://hub@db/hub; "
        "default: SQLite file under data_dir.",
    )
    echo: bool = Field(False, description="Log every SQL statement (development only).")

    @field_validator("url")
    @classmethod
    def _url_is_supported(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
            ("sqlite+aiosqlite://", "postgresql+asyncpg://")
        ):
            raise ValueError("use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db")
        return value


class CaptureSettings(_Section):
    """Change capture from Odoo: the webhook receiver and the write_date poller."""

    models: tuple[str, ...] = Field(
        (
            "res.partner",
            "product.product",
            "stock.quant",
            "purchase.order",
            "account.move",
        ),
        description="Odoo models whose changes are captured.",
    )
    webhook_secret: SecretStr | None = Field(
        None, description="Token Odoo must put in the webhook URL (?token=...)."
    )
    public_url: str = Field(
        "http://127.0.0.1:8700",
        description="URL at which Odoo reaches the hub, used by `odoo install-webhooks`.",
    )
    webhook_queue_size: int = Field(
        10_000,
        ge=1,
        le=1_000_000,
        description="Webhooks accepted but not yet recorded; beyond it the poller finds them.",
    )
    poll_interval_seconds: float = Field(30.0, gt=0, description="Time between poller rounds.")
    overlap_seconds: float = Field(
        2.0, ge=0, le=3600, description="How far back each poll re-reads to catch late commits."
    )
    sweep_interval_seconds: float = Field(
        1.0,
        ge=0,
        le=3600,
        description="How often a poll re-reads the overlap; polls in between read only past "
        "the watermark, so a late commit is captured up to this much later.",
    )
    page_size: int = Field(200, ge=1, le=10_000, description="Records per poller page.")
    max_backoff_seconds: float = Field(
        15.0,
        gt=0,
        le=3600,
        description="Longest wait between poller rounds while Odoo fails: how late capture "
        "may resume after Odoo is back.",
    )


class ServerSettings(_Section):
    """The hub's HTTP listener."""

    host: str = Field("127.0.0.1", description="Interface to bind.")
    port: int = Field(8700, ge=0, le=65535, description="TCP port (0 picks a free one).")


class MllpSettings(_Section):
    """The HL7 v2 listener (MLLP over TCP)."""

    host: str = Field("127.0.0.1", description="Interface the MLLP listener binds.")
    port: int = Field(2575, ge=0, le=65535, description="MLLP port (0 picks a free one).")
    max_message_bytes: int = Field(
        1_048_576, ge=1024, description="Larger frames are refused and the connection closed."
    )
    idle_timeout_seconds: float = Field(
        300.0, gt=0, description="Close a connection that sends nothing for this long."
    )
    handler_timeout_seconds: float = Field(
        30.0, gt=0, description="Answer AE when handling one message takes longer."
    )
    max_connections: int = Field(64, ge=1, description="Concurrent senders accepted.")


class Settings(BaseSettings):
    """Everything Healthbridge can be told, one section per area."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTED,
        extra="forbid",
        frozen=True,
    )

    environment: Literal["dev", "test", "prod"] = Field("dev", description="Deployment stage.")
    data_dir: Path = Field(Path(".healthbridge"), description="Folder for embedded state.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log level."
    )
    log_format: Literal["console", "json"] = Field("console", description="Log rendering.")
    odoo: OdooSettings = Field(default_factory=OdooSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    capture: CaptureSettings = Field(default_factory=CaptureSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    mllp: MllpSettings = Field(default_factory=MllpSettings)
    gateway: GatewaySettings = Field(default_factory=GatewaySettings)
    events: EventsSettings = Field(default_factory=EventsSettings)
    webhooks: WebhooksSettings = Field(default_factory=WebhooksSettings)
    workflows: WorkflowsSettings = Field(default_factory=WorkflowsSettings)
    governance: GovernanceSettings = Field(default_factory=GovernanceSettings)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)

    def store_url(self) -> str:
        """The store URL, defaulting to a SQLite file in ``data_dir``."""
        if self.store.url:
            return self.store.url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'healthbridge.db').as_posix()}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            _WithoutSecretFileNames(settings_cls, env_settings),
            _SecretFileSource(settings_cls),
            _YamlSource(settings_cls),
        )


def secret_paths(
    model: type[BaseModel] = Settings, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Dotted paths of every ``SecretStr`` setting, e.g. ``("odoo", "api_key")``."""
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from secret_paths(annotation, (*prefix, name))
        elif _is_secret(info):
            yield (*prefix, name)


def _is_secret(info: FieldInfo) -> bool:
    annotation = info.annotation
    args = getattr(annotation, "__args__", ())
    return annotation is SecretStr or SecretStr in args


def env_name(path: tuple[str, ...]) -> str:
    """The environment variable that sets the setting at ``path``."""
    return ENV_PREFIX + ENV_NESTED.join(part.upper() for part in path)


class _YamlSource(PydanticBaseSettingsSource):
    """Reads ``healthbridge.yaml`` (or ``HEALTHBRIDGE_CONFIG``) and refuses secrets in it."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        explicit = os.environ.get(f"{ENV_PREFIX}CONFIG")
        self.path = Path(explicit) if explicit else DEFAULT_CONFIG_FILE
        if explicit and not self.path.is_file():
            raise ConfigError(
                f"{ENV_PREFIX}CONFIG names {self.path}, which is not a file: "
                "point it at your healthbridge.yaml or unset it.",
                details={"key": "config"},
            )

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # pragma: no cover - __call__ reads the whole file

    def __call__(self) -> dict[str, Any]:
        if not self.path.is_file():
            return {}
        try:
            loaded = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{self.path} is not valid YAML{where}: fix the syntax.") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{self.path} must hold a mapping of settings at the top level.")
        for path in secret_paths():
            if _lookup(loaded, path) is not None:
                dotted = ".".join(path)
                raise ConfigError(
                    f"{dotted} is a secret and is not read from {self.path}: remove it there "
                    f"and set {env_name(path)} or {env_name(path)}_FILE instead.",
                    details={"key": dotted},
                )
        return loaded


class _WithoutSecretFileNames(PydanticBaseSettingsSource):
    """The environment, minus the ``<KEY>_FILE`` variables that name secret files."""

    def __init__(self, settings_cls: type[BaseSettings], inner: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        self.inner = inner

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # pragma: no cover - __call__ delegates

    def __call__(self) -> dict[str, Any]:
        values = self.inner()
        for path in secret_paths():
            node: Any = values
            for part in path[:-1]:
                node = node.get(part) if isinstance(node, dict) else None
            if isinstance(node, dict):
                node.pop(f"{path[-1]}_file", None)
        return values


class _SecretFileSource(PydanticBaseSettingsSource):
    """Reads each secret from the file named by ``HEALTHBRIDGE_<KEY>_FILE``."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # pragma: no cover - __call__ reads all secrets

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for path in secret_paths():
            variable = env_name(path) + "_FILE"
            file_name = os.environ.get(variable)
            if not file_name:
                continue
            try:
                value = Path(file_name).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(
                    f"{variable} names {file_name}, which cannot be read ({exc.strerror}): "
                    "fix the path or the file's permissions.",
                    details={"key": ".".join(path)},
                ) from None
            _assign(found, path, value)
        return found


def _lookup(tree: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = tree
    for part in path:
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _assign(tree: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = tree
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def load_settings(**overrides: Any) -> Settings:
    """Read and validate all settings; a bad value raises ConfigError naming its key."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = tuple(str(part) for part in error["loc"])
            dotted = ".".join(path)
            problems.append(
                f"{dotted}: {error['msg']} (set it in healthbridge.yaml as {dotted} "
                f"or with {env_name(path)})"
            )
        first_key = ".".join(str(part) for part in exc.errors()[0]["loc"]) if exc.errors() else ""
        raise ConfigError(
            "invalid settings:\n  " + "\n  ".join(problems), details={"key": first_key}
        ) from None
