"""Records of what the hub runs and who approved it, shared by the store and the use cases.

Kept here, below both, so the store can persist them and the services can reason about
them without either importing the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class AppliedResource:
    """One resource as last applied: its document, the document's hash, when and by whom."""

    kind: str
    name: str
    document: Mapping[str, Any]
    resource_hash: str
    revision: int
    applied_at: datetime
    applied_by: str


@dataclass(frozen=True, slots=True)
class AppliedRevision:
    """One successful apply: the catalog it made current and how much it changed."""

    id: int
    catalog_hash: str
    applied_at: datetime
    applied_by: str
    added: int
    changed: int
    removed: int


@dataclass(frozen=True, slots=True)
class Approval:
    """Someone in a role approved one plan item (bound to the item's hash), and why."""

    change_id: str
    item_hash: str
    role: str
    approved_by: str
    reason: str
    approved_at: datetime
    id: int | None = None
