"""The base of every settings section: frozen, and strict about unknown keys."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A settings section; a misspelt key fails at start-up instead of being ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
