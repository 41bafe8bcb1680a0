"""Contract versions and the bump each kind of change needs.

A version is ``MAJOR``, ``MAJOR.MINOR`` or ``MAJOR.MINOR.PATCH`` (missing parts are 0), so
a project may number contracts 1, 2, 3 or follow semantic versioning. The classifier's
verdict says how far the number must move: breaking needs a new major version, additive
a new minor one, compatible a new patch; an identical schema needs none.
"""

from __future__ import annotations

import re
from typing import Literal

from healthbridge.governance.errors import ContractNameError
from healthbridge.governance.reasons import Verdict

Bump = Literal["major", "minor", "patch", "none"]

VERSION_PATTERN = re.compile(r"^(0|[1-9][0-9]{0,8})(\.(0|[1-9][0-9]{0,8})){0,2}$")
_REQUIRED: dict[Verdict, Bump] = {
    "breaking": "major",
    "additive": "minor",
    "compatible": "patch",
    "identical": "none",
}
_RANK: dict[Bump, int] = {"none": 0, "patch": 1, "minor": 2, "major": 3}


def parse_version(text: str) -> tuple[int, int, int]:
    """``"2"`` is ``(2, 0, 0)``, ``"1.4"`` is ``(1, 4, 0)``; raises ``ContractNameError`` else."""
    if not VERSION_PATTERN.match(text):
        raise ContractNameError(
            f"contract version {text!r} is not MAJOR, MAJOR.MINOR or MAJOR.MINOR.PATCH",
            details={"version": text[:40]},
        )
    parts = [int(part) for part in text.split(".")] + [0, 0]
    return parts[0], parts[1], parts[2]


def required_bump(verdict: Verdict) -> Bump:
    """The smallest version step a change with ``verdict`` needs."""
    return _REQUIRED[verdict]


def version_bump(old: str, new: str) -> Bump | None:
    """How far ``new`` moved from ``old``; ``None`` when it moved backwards."""
    before, after = parse_version(old), parse_version(new)
    if after < before:
        return None
    if after[0] > before[0]:
        return "major"
    if after[1] > before[1]:
        return "minor"
    if after[2] > before[2]:
        return "patch"
    return "none"


def bump_suffices(old: str, new: str, verdict: Verdict) -> bool:
    """Whether going from version ``old`` to ``new`` is a big enough step for ``verdict``."""
    moved = version_bump(old, new)
    return moved is not None and _RANK[moved] >= _RANK[required_bump(verdict)]
