"""What one ORM call hands back to the wire layer: a JSON-ready value and the webhooks to send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class WebhookPost:
    """One automation-rule POST, exactly as Odoo 19 would send it after commit."""

    url: str
    """The configured ``webhook_url``, query string kept (it is the only authentication)."""
    body: bytes
    """``json.dumps(vals, sort_keys=True, default=str).encode()``: Odoo's own bytes."""


@dataclass(frozen=True, slots=True)
class CallResult:
    """The committed outcome of one call: its value and the posts that follow the commit."""

    value: Any
    """JSON-ready: datetimes rendered ``YYYY-MM-DD HH:MM:SS``, many2one as ``[id, name]``."""
    webhooks: tuple[WebhookPost, ...] = ()
    """Posts to send after the commit, in order; identical duplicates are intended."""
