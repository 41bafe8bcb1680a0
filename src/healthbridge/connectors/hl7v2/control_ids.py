"""Unique MSH-10 control ids for the messages the hub itself sends (ACKs)."""

from __future__ import annotations

import os
from itertools import count


class ControlIdSequence:
    """20-character ids: a random 8-hex prefix per instance, then a 12-digit counter.

    Twenty characters is the MSH-10 length limit before v2.7, so every receiver accepts
    them; the random prefix keeps ids from two processes, or from before and after a
    restart, apart.
    """

    __slots__ = ("_counter", "_prefix")

    def __init__(self, prefix: str | None = None) -> None:
        self._prefix = prefix if prefix is not None else os.urandom(4).hex().upper()
        self._counter = count(1)

    def __call__(self) -> str:
        """The next id; never repeats within this instance."""
        return f"{self._prefix}{next(self._counter) % 10**12:012d}"
