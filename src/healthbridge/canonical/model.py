"""The base every canonical object and value derives from: frozen, closed, pure data."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CanonicalModel(BaseModel):
    """Frozen (hashable, safe to share across tasks) and closed (unknown fields are errors).

    Closed on purpose: a producer that sends a field the contract does not name has a
    mapping bug, and silently dropping it would hide the bug until data went missing.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
