"""The HL7 v2 code keeps to its layer: the mapping side does no I/O, and the MLLP
connector leans on no other connector."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import healthbridge

SOURCE = Path(healthbridge.__file__).parent
IO_MODULES = {
    "asyncio",
    "socket",
    "ssl",
    "selectors",
    "httpx",
    "aiohttp",
    "sqlalchemy",
    "structlog",
}


def _imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((SOURCE / package).glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[path.name] = names
    return found


@pytest.mark.parametrize(("module", "names"), sorted(_imports("mappings/hl7v2").items()))
def test_the_hl7_mapping_modules_do_no_io(module: str, names: set[str]) -> None:
    roots = {name.split(".")[0] for name in names}
    assert not roots & IO_MODULES, f"mappings/hl7v2/{module} imports {roots & IO_MODULES}"
    assert not {n for n in names if n.startswith("healthbridge.connectors")}


@pytest.mark.parametrize(("module", "names"), sorted(_imports("connectors/hl7v2").items()))
def test_the_mllp_connector_imports_no_other_connector(module: str, names: set[str]) -> None:
    others = {
        name
        for name in names
        if name.startswith("healthbridge.connectors.")
        and not name.startswith("healthbridge.connectors.hl7v2")
    }
    assert not others, f"connectors/hl7v2/{module} imports {others}"
