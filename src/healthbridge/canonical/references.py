"""References from one canonical object to another, in whatever form the source gave."""

from __future__ import annotations

from typing import Annotated

from healthbridge.canonical.classification import OPERATIONAL, PUBLIC
from healthbridge.canonical.identifiers import Identifier
from healthbridge.canonical.model import CanonicalModel


class Reference(CanonicalModel):
    """A pointer to another object: by the source's own link, by business identifier, or both.

    ``reference`` is the link as the source wrote it (``Patient/123``, an absolute URL, a
    ``urn:uuid:``) and is opaque to the hub; ``identifier`` is what the hub matches on across
    systems; ``display`` is a label for people. ``type`` names the kind of object pointed to.
    """

    reference: Annotated[str | None, OPERATIONAL] = None
    type: Annotated[str | None, PUBLIC] = None
    identifier: Annotated[Identifier | None, OPERATIONAL] = None
    display: Annotated[str | None, OPERATIONAL] = None
