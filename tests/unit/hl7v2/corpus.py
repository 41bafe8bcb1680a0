"""Where the shared HL7 v2 samples live, and python-hl7's tree in a comparable shape."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_DATA

HL7V2_DIR = Path(os.environ.get("HEALTHBRIDGE_TEST_DATA") or SHARED_DATA) / "hl7v2"


def sample_names() -> list[str]:
    """Every ``.hl7`` file in the shared folder (empty when the data is absent)."""
    if not HL7V2_DIR.is_dir():
        return []
    return sorted(path.name for path in HL7V2_DIR.glob("*.hl7"))


def read_sample(name: str) -> bytes:
    """The bytes of one shared sample, skipping the test when it is not there."""
    path = HL7V2_DIR / name
    if not path.is_file():
        pytest.skip(f"shared HL7 v2 sample {name} not found in {HL7V2_DIR}")
    return path.read_bytes()


def reference_tree(field: Any) -> list[list[list[str]]]:
    """A python-hl7 field as repetitions -> components -> raw subcomponents.

    python-hl7 stops nesting as soon as a part holds no lower delimiter (``Field(['x'])``
    instead of ``Field([Repetition([Component(['x'])])])``); this fills the levels in so
    the shape matches our tokenizer's.
    """
    items = list(field)
    if all(isinstance(item, str) for item in items):
        return [[[str(items[0])]]]
    return [_reference_repetition(repetition) for repetition in items]


def _reference_repetition(repetition: Any) -> list[list[str]]:
    items = list(repetition)
    if all(isinstance(item, str) for item in items):
        return [[str(items[0])]]
    return [[str(sub) for sub in component] for component in items]


def our_tree(segment: Any, position: int) -> list[list[list[str]]]:
    """Our segment's field as the same shape; an empty part reads as one empty string,
    which is how python-hl7 shows it."""
    repetitions = segment.repetitions(position) or [""]
    tree = []
    for r in range(1, len(repetitions) + 1):
        components = segment.components(position, r) or [""]
        tree.append(
            [segment.subcomponents(position, r, c) or [""] for c in range(1, len(components) + 1)]
        )
    return tree
