"""Healthbridge's own store: the change log and watermarks, on SQLite or PostgreSQL."""

from healthbridge.store.changes import ChangeLog
from healthbridge.store.engine import create_store_engine
from healthbridge.store.messages import InboundMessage, MessageLog
from healthbridge.store.migrate import current_revision, head_revision, upgrade, upgrade_engine
from healthbridge.store.watermarks import Watermarks

__all__ = [
    "ChangeLog",
    "InboundMessage",
    "MessageLog",
    "Watermarks",
    "create_store_engine",
    "current_revision",
    "head_revision",
    "upgrade",
    "upgrade_engine",
]
