"""How to address and reach a person or an organisation: names, postal addresses, telecom.

The fields are PII on their own; on a patient the enclosing field makes them PHI. Only
current contact data is kept: validity periods and history stay with the source.
"""

from __future__ import annotations

from typing import Annotated, Literal

from healthbridge.canonical.classification import PII, PUBLIC
from healthbridge.canonical.model import CanonicalModel

NameUse = Literal["usual", "official", "temp", "nickname", "anonymous", "old", "maiden"]
AddressUse = Literal["home", "work", "temp", "old", "billing"]
AddressType = Literal["postal", "physical", "both"]
ContactPointSystem = Literal["phone", "fax", "email", "pager", "url", "sms", "other"]
ContactPointUse = Literal["home", "work", "temp", "old", "mobile"]


class HumanName(CanonicalModel):
    """A person's name as the source structured it (family, given names, prefixes...)."""

    use: Annotated[NameUse | None, PUBLIC] = None
    text: Annotated[str | None, PII] = None
    family: Annotated[str | None, PII] = None
    given: Annotated[tuple[str, ...], PII] = ()
    prefix: Annotated[tuple[str, ...], PII] = ()
    suffix: Annotated[tuple[str, ...], PII] = ()


class Address(CanonicalModel):
    """A postal or physical address; ``country`` is as the source wrote it (ISO code or name)."""

    use: Annotated[AddressUse | None, PUBLIC] = None
    type: Annotated[AddressType | None, PUBLIC] = None
    text: Annotated[str | None, PII] = None
    lines: Annotated[tuple[str, ...], PII] = ()
    city: Annotated[str | None, PII] = None
    district: Annotated[str | None, PII] = None
    state: Annotated[str | None, PII] = None
    postal_code: Annotated[str | None, PII] = None
    country: Annotated[str | None, PII] = None


class ContactPoint(CanonicalModel):
    """A phone number, e-mail address, URL... and what it is used for."""

    system: Annotated[ContactPointSystem | None, PUBLIC] = None
    value: Annotated[str | None, PII] = None
    use: Annotated[ContactPointUse | None, PUBLIC] = None
    rank: Annotated[int | None, PUBLIC] = None
