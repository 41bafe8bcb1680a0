"""Points and spans in time: a calendar date, or an instant with its UTC offset.

Sources give either a day (``2016-12-31``) or an instant (``2017-01-25T08:00:00+01:00``)
for the same kind of field; canonical keeps which one it was rather than inventing a
time of day. Instants always carry their offset: a naive time is ambiguous across sites.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, model_validator

from healthbridge.canonical.classification import PUBLIC
from healthbridge.canonical.model import CanonicalModel

DateOrInstant = AwareDatetime | date
"""A calendar day or an offset-aware instant (``datetime`` is tried first, as it is a date)."""


class Period(CanonicalModel):
    """A span of time; either end may be open."""

    start: Annotated[DateOrInstant | None, PUBLIC] = None
    end: Annotated[DateOrInstant | None, PUBLIC] = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start is not None and self.end is not None and _key(self.end) < _key(self.start):
            raise ValueError("a period cannot end before it starts")
        return self


def _key(value: date) -> date:
    """Compare by day only: a date and an instant on the same day are not out of order."""
    return value.date() if isinstance(value, datetime) else value
