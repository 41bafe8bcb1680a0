"""Errors of the catalog: manifests that cannot be read or do not match their schema.

Messages name files, lines, kinds and field paths only. A catalog describes integrations,
never data, so nothing here can carry PHI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from healthbridge.governance.errors import GovernanceError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a manifest, where it is and what to do."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class CatalogError(GovernanceError):
    """The catalog folder has manifests that are not valid; ``problems`` lists every one."""

    code = "catalog.invalid"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = str(self.problems[0]) if self.problems else "no problems"
        more = len(self.problems) - 1
        message = first if more <= 0 else f"{first} (and {more} more)"
        super().__init__(message, details={"problems": [str(p) for p in self.problems]})


class CatalogMissingError(GovernanceError):
    """The catalog folder does not exist or holds no manifests."""

    code = "catalog.missing"
