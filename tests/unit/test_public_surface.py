"""Every package states its public surface, and the import layers hold."""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import healthbridge

PACKAGES = sorted(
    module.name
    for module in pkgutil.walk_packages(healthbridge.__path__, "healthbridge.")
    if module.ispkg and ".migrations" not in module.name
)


def _isort_style(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_exports_a_sorted_all_of_names_it_really_has(package: str) -> None:
    module = importlib.import_module(package)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{package}/__init__.py must define __all__"
    assert list(exported) == sorted(exported, key=_isort_style), f"{package}.__all__ is not sorted"
    missing = [name for name in exported if not hasattr(module, name)]
    assert not missing, f"{package}.__all__ names what it does not have: {missing}"


def test_the_import_layers_of_the_style_guide_hold() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is part of the dev extras"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [lint_imports, "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
