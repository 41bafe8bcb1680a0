"""Original-mode HL7 acknowledgements (ACK) that mirror the inbound message.

An ACK goes back to the sender in the sender's own dialect: the same delimiters, the
sending and receiving application/facility swapped, the same processing id and version,
and MSA-2 echoing the inbound control id so the sender can match it. AE/AR
acknowledgements carry one ERR per problem with its location and an HL7 table 0357
condition; v2.5 and later use ERR-2/3/4 (plus ERR-5 for the hub's stable error code and
ERR-8 for the precise text), older versions the ERR-1 ``ELD`` form and MSA-3. All text is
the hub's own safe wording: nothing from the inbound message but its header is echoed.

Building an ACK is pure: the caller supplies the ACK's own control id and timestamp.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from healthbridge.core.errors import HealthbridgeError
from healthbridge.mappings.hl7v2.delimiters import DEFAULT_DELIMITERS, Delimiters
from healthbridge.mappings.hl7v2.errors import (
    ErrorCondition,
    ErrorLocation,
    Hl7Error,
    Hl7ParseError,
    Hl7UnsupportedMessageError,
)
from healthbridge.mappings.hl7v2.escaping import escape
from healthbridge.mappings.hl7v2.message import KNOWN_VERSIONS, PROCESSING_IDS, Hl7Message

DEFAULT_VERSION = "2.5.1"
"""The version an ACK states when the inbound message named none the hub knows."""

_CODE = re.compile(r"[A-Z0-9]{3}")
_VERSIONS_WITHOUT_ERR_2 = frozenset({"2.1", "2.2", "2.3", "2.3.1", "2.4"})
_VERSIONS_WITHOUT_STRUCTURE = frozenset({"2.1", "2.2", "2.3"})


class AckCode(StrEnum):
    """MSA-1 (HL7 table 0008, original mode)."""

    ACCEPT = "AA"
    ERROR = "AE"
    REJECT = "AR"


@dataclass(frozen=True, slots=True)
class AckError:
    """One problem to report in an ERR segment; ``text`` must be safe (no PHI)."""

    condition: ErrorCondition
    text: str = ""
    location: ErrorLocation | None = None
    severity: Literal["E", "W", "I"] = "E"
    error_code: str = ""

    @classmethod
    def from_error(cls, error: HealthbridgeError) -> AckError:
        """The ERR facts of a Healthbridge error: its location, condition, code and safe text."""
        if isinstance(error, Hl7Error):
            return cls(error.condition, error.safe_message, error.location, "E", error.code)
        return cls(
            ErrorCondition.APPLICATION_INTERNAL_ERROR, error.safe_message, None, "E", error.code
        )


def ack_code_for(error: BaseException) -> AckCode:
    """AR when the message itself is unusable (malformed, unsupported), AE for anything else."""
    if isinstance(error, Hl7ParseError | Hl7UnsupportedMessageError):
        return AckCode.REJECT
    return AckCode.ERROR


def hl7_timestamp(moment: datetime) -> str:
    """An HL7 DTM with seconds and UTC offset, e.g. ``20240131235959+0000``."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")


def build_ack(
    inbound: Hl7Message | None,
    code: AckCode,
    *,
    control_id: str,
    timestamp: str,
    errors: Sequence[AckError] = (),
) -> bytes:
    """The ACK for ``inbound`` (or for an unreadable message, when ``None``), encoded as sent.

    ``control_id`` must be unique per ACK (MSH-10); ``timestamp`` is MSH-7 (see
    ``hl7_timestamp``). The bytes use the inbound message's character set, UTF-8 otherwise.
    """
    delimiters = inbound.delimiters if inbound is not None else DEFAULT_DELIMITERS
    version = _version(inbound)
    msh = _ack_header(inbound, delimiters, version, control_id, timestamp)
    old_style = version.split(delimiters.component)[0] in _VERSIONS_WITHOUT_ERR_2
    field = delimiters.field
    # MSH-3..6 and MSA-2 are copied raw: they are already escaped for the mirrored delimiters.
    msa = ["MSA", code.value, inbound.msh.field(10) if inbound is not None else ""]
    segments = [msh]
    if old_style and errors:
        first = errors[0]
        msa += [escape(first.text or first.condition.text, delimiters), "", ""]
        msa.append(_coded(first.condition, delimiters))
        segments.append(field.join(msa))
        segments.append(_old_err(errors, delimiters))
    else:
        segments.append(field.join(msa))
        segments += [_err(error, delimiters) for error in errors]
    encoding = (inbound.encoding if inbound is not None else None) or "utf-8"
    return ("\r".join(segments) + "\r").encode(encoding, errors="replace")


def _version(inbound: Hl7Message | None) -> str:
    if inbound is None:
        return DEFAULT_VERSION
    raw = inbound.msh.field(12)
    return raw if raw.split(inbound.delimiters.component)[0] in KNOWN_VERSIONS else DEFAULT_VERSION


def _ack_header(
    inbound: Hl7Message | None,
    delimiters: Delimiters,
    version: str,
    control_id: str,
    timestamp: str,
) -> str:
    field = delimiters.field
    number = version.split(delimiters.component, maxsplit=1)[0]
    if inbound is None:
        apps = ["", "", "", ""]
        event, processing = "", "P"
    else:
        msh = inbound.msh
        apps = [msh.field(5), msh.field(6), msh.field(3), msh.field(4)]
        event = msh.value(9, 1, 2)
        event = event if _CODE.fullmatch(event) else ""
        processing = msh.field(11) if inbound.processing_id in PROCESSING_IDS else "P"
    kind = ["ACK"]
    if event:
        kind.append(escape(event, delimiters))
        if number not in _VERSIONS_WITHOUT_STRUCTURE:
            kind.append("ACK")
    return field.join(
        [
            "MSH",
            delimiters.encoding_characters,
            *apps,
            escape(timestamp, delimiters),
            "",
            delimiters.component.join(kind),
            escape(control_id, delimiters),
            processing,
            version,
        ]
    )


def _err(error: AckError, delimiters: Delimiters) -> str:
    """A v2.5+ ERR: ERR-2 location, ERR-3 condition, ERR-4 severity, ERR-5 code, ERR-8 text."""
    fields = [
        "ERR",
        "",
        _location(error.location, delimiters),
        _coded(error.condition, delimiters),
        error.severity,
        escape(error.error_code, delimiters),
        "",
        "",
        escape(error.text or error.condition.text, delimiters),
    ]
    return delimiters.field.join(fields).rstrip(delimiters.field)


def _old_err(errors: Sequence[AckError], delimiters: Delimiters) -> str:
    """A v2.1-2.4 ERR: ERR-1 repeats an ELD (segment^occurrence^field^code&text&HL70357)."""
    component, sub = delimiters.component, delimiters.subcomponent
    repetitions = []
    for error in errors:
        where = error.location
        parts = [
            escape(where.segment, delimiters) if where else "",
            str(where.occurrence) if where else "",
            str(where.field) if where and where.field else "",
            sub.join(
                [str(int(error.condition)), escape(error.condition.text, delimiters), "HL70357"]
            ),
        ]
        repetitions.append(component.join(parts))
    return "ERR" + delimiters.field + delimiters.repetition.join(repetitions)


def _location(where: ErrorLocation | None, delimiters: Delimiters) -> str:
    """ERL: segment id ^ occurrence ^ field ^ repetition ^ component, trailing parts dropped."""
    if where is None:
        return ""
    parts = [escape(where.segment, delimiters), str(where.occurrence)]
    if where.field:
        parts += [str(where.field), str(where.repetition or 1)]
        if where.component:
            parts.append(str(where.component))
    return delimiters.component.join(parts)


def _coded(condition: ErrorCondition, delimiters: Delimiters) -> str:
    text = escape(condition.text, delimiters)
    return delimiters.component.join([str(int(condition)), text, "HL70357"])
