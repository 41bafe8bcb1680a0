"""The example catalog shipped as package data, and ``catalog init`` that writes it out."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from healthbridge.governance.errors import GovernanceError

EXAMPLE_FILES: tuple[str, ...] = (
    "README.md",
    "consumers.yaml",
    "supply-chain.yaml",
    "patient-administration.yaml",
    "billing.yaml",
    "payers.yaml",
    "policies.yaml",
)
"""The files of the example catalog, in reading order."""


class CatalogExistsError(GovernanceError):
    """``catalog init`` would overwrite files that are already there."""

    code = "catalog.exists"


def example_texts() -> dict[str, str]:
    """File name -> text of the example catalog (a hospital group)."""
    folder = resources.files("healthbridge.governance.catalog") / "example"
    return {name: (folder / name).read_text(encoding="utf-8") for name in EXAMPLE_FILES}


def write_example(target: Path, *, force: bool = False) -> list[Path]:
    """Write the example catalog into ``target``; refuses to overwrite unless ``force``."""
    texts = example_texts()
    existing = [name for name in texts if (target / name).exists()]
    if existing and not force:
        raise CatalogExistsError(
            f"{target} already has {', '.join(existing)}: pick an empty folder or pass --force",
            details={"path": str(target)},
        )
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, text in texts.items():
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
