"""The Protocols that use cases depend on; adapters implement them, fakes live in testing.py.

Services never import connectors, the store or the broker: they see only these ports, so
each use case can be tested with fakes and run against any adapter that fits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from healthbridge.canonical.changes import OdooChange, Watermark

Domain = Sequence[Any]
"""An Odoo domain in prefix notation: ``["|", ("a", "=", 1), ("b", "in", [2, 3])]``."""

Record = dict[str, Any]
"""One row as Odoo returns it: many2one as ``[id, name]``, empty values as ``False``."""


class OdooPort(Protocol):
    """What use cases may ask of an Odoo instance, whatever protocol carries it."""

    async def search_read(
        self,
        model: str,
        domain: Domain = (),
        fields: Sequence[str] | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[Record]:
        """Records matching ``domain``; with ``limit=None`` all of them."""
        ...

    async def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[Record]:
        """The records with these ids; missing ids are left out, not an error."""
        ...

    async def search_count(
        self, model: str, domain: Domain = (), *, context: Mapping[str, Any] | None = None
    ) -> int:
        """How many records match ``domain``."""
        ...

    async def create(
        self,
        model: str,
        vals_list: Sequence[Mapping[str, Any]],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Create one record per mapping; never retried, because a retry could duplicate."""
        ...

    async def write(
        self,
        model: str,
        ids: Sequence[int],
        vals: Mapping[str, Any],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> bool:
        """Write ``vals`` on every record in ``ids``."""
        ...

    async def unlink(
        self, model: str, ids: Sequence[int], *, context: Mapping[str, Any] | None = None
    ) -> bool:
        """Delete the records."""
        ...

    async def call(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        idempotent: bool = False,
    ) -> Any:
        """Call any public model method with named parameters (``button_confirm``).

        ``idempotent=True`` allows retries; leave it False for anything that creates.
        """
        ...


class ChangeLogPort(Protocol):
    """Where captured Odoo changes are recorded, collapsed on (model, record id, write_date)."""

    async def record(self, change: OdooChange) -> bool:
        """Record one observation of a change; True when it is the first of that change."""
        ...

    async def record_page(self, changes: Sequence[OdooChange], watermark: Watermark) -> int:
        """Record a poller page and move ``watermark`` atomically; how many changes were new."""
        ...


class WatermarkPort(Protocol):
    """How far the poller has read each Odoo model."""

    async def get(self, model: str) -> Watermark | None:
        """The stored watermark of ``model``, or None when the model was never polled."""
        ...
