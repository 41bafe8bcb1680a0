"""What a long-running hub process does once it has started, for the garbage collector."""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Move everything built at start-up out of the garbage collector's sight.

    Modules, models, engines, routes and caches live as long as the process, yet every
    full collection would walk them all again: under load those walks are pauses of
    tens of milliseconds (over 100 ms measured in a hub process relaying events) that
    land on whatever is in flight — the p99 of a request or of an event's way to its
    webhook. Collected once and frozen, they are never scanned again; objects made
    afterwards are collected as before. Safe to call more than once.
    """
    gc.collect()
    gc.freeze()


def release_frozen_objects() -> None:
    """Let the collector see frozen objects again (a process that stops a hub may build
    another one, as tests do; what the first one built must not stay frozen forever)."""
    gc.unfreeze()
