"""A change to an Odoo record, as the hub learns of it: which record, when, which fields.

A change is identified by ``(model, record_id, write_date)`` with ``write_date`` cut to the
whole second: Odoo's RPC reads give seconds while its webhooks give microseconds, so only
the second is common to both sources. The webhook that Odoo sends twice (or thirteen
times) and the poller row for the same write therefore collapse into one change.

Field *values* are never kept here. A webhook body carries names, e-mails and other
personal data; the hub keeps only the names of the fields and reads current values from
Odoo when it needs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeGuard

from pydantic import BaseModel, ConfigDict, Field, field_validator

from healthbridge.core.errors import HealthbridgeError

ChangeSource = Literal["webhook", "poller"]

WEBHOOK_META_KEYS: frozenset[str] = frozenset({"_action", "_id", "_model", "id"})
"""Keys Odoo adds to every webhook body besides the chosen fields (wire facts, section 4)."""

REQUIRED_WEBHOOK_KEYS: tuple[str, ...] = ("_action", "_id", "_model", "write_date")


class OdooChangeError(HealthbridgeError):
    """A webhook body or polled row is not a change Healthbridge can record.

    ``details["missing"]`` names absent keys and ``details["invalid"]`` names keys whose
    value has the wrong shape. Values are never echoed: they may be personal data.
    """

    code = "capture.invalid_change"


def odoo_datetime(value: Any, *, key: str = "write_date") -> datetime:
    """Parse an Odoo datetime string (UTC, naive) into an aware UTC datetime to the second.

    Accepts ``"YYYY-MM-DD HH:MM:SS"`` (RPC reads) and ``"YYYY-MM-DD HH:MM:SS.ffffff"``
    (webhook bodies); the microseconds are dropped so both sources agree on the key.
    """
    if not isinstance(value, str) or not value:
        raise OdooChangeError(
            f"{key} must be an Odoo datetime string 'YYYY-MM-DD HH:MM:SS'",
            details={"invalid": [key]},
        )
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise OdooChangeError(
            f"{key} is not an Odoo datetime 'YYYY-MM-DD HH:MM:SS'", details={"invalid": [key]}
        ) from None
    return to_utc_second(parsed)


def to_utc_second(value: datetime) -> datetime:
    """The same instant in UTC without microseconds; naive values are taken as UTC (Odoo's way)."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.replace(microsecond=0)


def format_odoo_datetime(value: datetime) -> str:
    """``value`` as Odoo writes datetimes in domains and reads: UTC, naive, to the second."""
    return to_utc_second(value).strftime("%Y-%m-%d %H:%M:%S")


MAX_MODEL_NAME = 128
"""The longest Odoo model name a change may carry."""


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("must be timezone-aware (UTC)")
    return value.astimezone(UTC)


class OdooChange(BaseModel):
    """One observed write of one Odoo record: its key, the field names it carried, who saw it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(min_length=1, max_length=MAX_MODEL_NAME)
    record_id: int = Field(gt=0)
    write_date: datetime
    changed_fields: tuple[str, ...] = ()
    source: ChangeSource
    observed_at: datetime

    @field_validator("write_date")
    @classmethod
    def _write_date_to_the_second(cls, value: datetime) -> datetime:
        return _require_aware(value).replace(microsecond=0)

    @field_validator("observed_at")
    @classmethod
    def _observed_at_is_aware(cls, value: datetime) -> datetime:
        return _require_aware(value)

    @field_validator("changed_fields")
    @classmethod
    def _fields_sorted_unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(value)))

    @property
    def key(self) -> tuple[str, int, datetime]:
        """The dedupe key: two observations with the same key are the same change."""
        return (self.model, self.record_id, self.write_date)

    @classmethod
    def from_webhook(cls, body: Any, *, observed_at: datetime) -> OdooChange:
        """Read the change out of an Odoo webhook body, keeping field names but no values.

        Raises ``OdooChangeError`` naming what is missing or malformed when ``body`` is not
        an Odoo webhook with ``write_date`` among its fields.
        """
        if not isinstance(body, Mapping):
            raise OdooChangeError(
                "an Odoo webhook body is a JSON object with _action, _id, _model and write_date",
                details={"missing": list(REQUIRED_WEBHOOK_KEYS)},
            )
        missing = [key for key in REQUIRED_WEBHOOK_KEYS if key not in body]
        if missing:
            hint = (
                "; add write_date to the rule's fields (healthbridge odoo install-webhooks does)"
                if "write_date" in missing
                else ""
            )
            raise OdooChangeError(
                f"not an Odoo webhook: missing {', '.join(missing)}{hint}",
                details={"missing": missing},
            )
        invalid: list[str] = []
        model = body["_model"]
        if not isinstance(model, str) or not model:
            invalid.append("_model")
        record_id = body["_id"]
        if not _is_positive_int(record_id):
            invalid.append("_id")
        elif "id" in body and body["id"] != record_id:
            invalid.append("id")
        if invalid:
            raise OdooChangeError(
                f"not an Odoo webhook: malformed {', '.join(invalid)}",
                details={"invalid": invalid},
            )
        # write_date changes on every write, so naming it says nothing about what changed.
        fields = tuple(
            str(key) for key in body if key not in WEBHOOK_META_KEYS and key != "write_date"
        )
        return cls(
            model=model,
            record_id=record_id,
            write_date=odoo_datetime(body["write_date"]),
            changed_fields=fields,
            source="webhook",
            observed_at=observed_at,
        )

    @classmethod
    def from_polled_row(
        cls, model: str, row: Mapping[str, Any], *, observed_at: datetime
    ) -> OdooChange:
        """Read the change out of a ``search_read`` row holding ``id`` and ``write_date``.

        The poller only learns that a record changed, not which fields did, so
        ``changed_fields`` is empty.
        """
        record_id = row.get("id")
        if not _is_positive_int(record_id):
            raise OdooChangeError(
                "a polled row needs a positive integer id", details={"invalid": ["id"]}
            )
        write_date = odoo_datetime(row.get("write_date"))  # aware UTC, to the second
        if not 0 < len(model) <= MAX_MODEL_NAME or observed_at.utcoffset() is None:
            # The validating constructor says what is wrong.
            return cls(
                model=model,
                record_id=record_id,
                write_date=write_date,
                source="poller",
                observed_at=observed_at,
            )
        # Every field is checked above, as the validators would: a poller reads each row
        # of its overlap again, so this runs several times per change.
        return cls.model_construct(
            model=model,
            record_id=record_id,
            write_date=write_date,
            changed_fields=(),
            source="poller",
            observed_at=observed_at.astimezone(UTC),
        )


def _is_positive_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class Watermark(BaseModel):
    """How far the poller has read one model: every change up to ``(write_date, record_id)``.

    Ordered as a keyset: first by ``write_date`` (to the second), then by ``record_id``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(min_length=1, max_length=128)
    write_date: datetime
    record_id: int = Field(ge=0)
    updated_at: datetime | None = None

    @field_validator("write_date")
    @classmethod
    def _write_date_to_the_second(cls, value: datetime) -> datetime:
        return _require_aware(value).replace(microsecond=0)

    @property
    def position(self) -> tuple[datetime, int]:
        """The keyset position, comparable with ``<``."""
        return (self.write_date, self.record_id)

    def rewound(self, seconds: float) -> datetime:
        """The second to restart reading from so late commits within ``seconds`` are seen."""
        return to_utc_second(self.write_date - timedelta(seconds=seconds))


SOURCE_BITS: Mapping[ChangeSource, int] = {"webhook": 1, "poller": 2}
"""How the store packs the set of sources into one integer, so merging is a bitwise OR."""


def sources_from_bits(bits: int) -> tuple[ChangeSource, ...]:
    """The sources named by a packed ``sources`` value, in a stable order."""
    return tuple(source for source, bit in SOURCE_BITS.items() if bits & bit)


class RecordedChange(BaseModel):
    """A change as the store holds it after every observation of it was collapsed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    model: str
    record_id: int
    write_date: datetime
    changed_fields: tuple[str, ...]
    sources: tuple[ChangeSource, ...]
    seen_count: int
    first_seen_at: datetime
    last_seen_at: datetime

    @property
    def key(self) -> tuple[str, int, datetime]:
        """The dedupe key, as on ``OdooChange``."""
        return (self.model, self.record_id, self.write_date)
