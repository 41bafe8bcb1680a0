"""Coded values: a code from a code system, and a concept that may carry several codes."""

from __future__ import annotations

from typing import Annotated

from healthbridge.canonical.classification import PUBLIC
from healthbridge.canonical.model import CanonicalModel


class Coding(CanonicalModel):
    """One code in one code system (SNOMED CT, an HL7 table, a payer's own list...)."""

    system: Annotated[str | None, PUBLIC] = None
    version: Annotated[str | None, PUBLIC] = None
    code: Annotated[str | None, PUBLIC] = None
    display: Annotated[str | None, PUBLIC] = None
    user_selected: Annotated[bool | None, PUBLIC] = None


class Concept(CanonicalModel):
    """A coded concept: equivalent codings from several systems, and the source's own text.

    Canonical objects keep every coding the source sent, so a peer that knows only one of
    the systems still finds its code; the data class of the enclosing field says how
    sensitive the concept is where it is used.
    """

    codings: Annotated[tuple[Coding, ...], PUBLIC] = ()
    text: Annotated[str | None, PUBLIC] = None

    def code_in(self, system: str) -> str | None:
        """The first code this concept carries in ``system``, if any."""
        for coding in self.codings:
            if coding.system == system:
                return coding.code
        return None
