"""The contract files kept in the repository, and the checks that keep them honest.

Layout: ``<root>/<name>/<version>.json``, one file per published version, never edited
once committed. The registry is the folder itself, so it cannot drift from the files.

Three checks guard the folder:

- :func:`contract_status`: every model still generates exactly its committed contract
  at its current version (a change without a version bump shows as ``changed``);
- :func:`write_contracts`: writes the missing ones and refuses to overwrite a changed one;
- :func:`history_problems`: each version moved far enough from the one before for what
  changed (breaking needs a new major version, additive a new minor one).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from healthbridge.governance.compatibility import classify
from healthbridge.governance.contracts import (
    ContractSource,
    check_name,
    contract_document,
    contract_sources,
    parse_contract_id,
)
from healthbridge.governance.errors import (
    ContractChangedError,
    ContractFileError,
    ContractNameError,
)
from healthbridge.governance.schema_walk import same
from healthbridge.governance.versioning import bump_suffices, parse_version, required_bump

ContractState = Literal["current", "missing", "changed"]
REGENERATE_COMMAND = "healthbridge contracts generate"


@dataclass(frozen=True)
class ContractFile:
    """One committed contract version."""

    name: str
    version: str
    path: Path


@dataclass(frozen=True)
class ContractStatus:
    """How a model's current contract compares with the committed file for its version."""

    source: ContractSource
    path: Path
    state: ContractState

    def advice(self) -> str:
        """What to do about this state, in one sentence."""
        name, version = self.source.name, self.source.version
        if self.state == "current":
            return f"{name} {version} is up to date"
        if self.state == "missing":
            return f"{name} {version} has no contract file: regenerate with `{REGENERATE_COMMAND}`"
        return (
            f"the model changed: bump CONTRACT_VERSIONS[{name!r}] (now {version}) and "
            f"regenerate with `{REGENERATE_COMMAND}`"
        )


def contract_path(root: Path, name: str, version: str) -> Path:
    """Where the contract ``name`` at ``version`` lives under ``root``."""
    parse_version(version)
    return root / check_name(name) / f"{version}.json"


def contract_text(document: dict[str, Any]) -> str:
    """The file form of a contract: two-space JSON, keys in document order, final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_contract(path: Path) -> dict[str, Any]:
    """The contract document stored at ``path``; raises ``ContractFileError`` if it is not one."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractFileError(
            f"no contract file at {path}", details={"path": str(path)}
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ContractFileError(
            f"{path} is not readable JSON ({type(error).__name__})", details={"path": str(path)}
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("$id"), str):
        raise ContractFileError(
            f"{path} is not a contract: a JSON object with an $id", details={"path": str(path)}
        )
    try:
        parse_contract_id(document["$id"])
    except ContractNameError:
        raise ContractFileError(
            f"{path} has an $id that is not urn:healthbridge:contract:<name>:<version>",
            details={"path": str(path)},
        ) from None
    return document


def write_contract(root: Path, document: dict[str, Any]) -> Path:
    """Write ``document`` where its ``$id`` says it belongs; atomic, so never half-written."""
    name, version = parse_contract_id(str(document.get("$id", "")))
    path = contract_path(root, name, version)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".contract-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(contract_text(document))
        Path(temporary).chmod(0o644)  # a published document: mkstemp's 0600 would hide it
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def list_contracts(root: Path) -> tuple[ContractFile, ...]:
    """Every committed contract file under ``root``, by name then version (oldest first).

    Files that are not named ``<version>.json`` inside a ``<name>`` folder are not
    contracts (the README, editor leftovers) and are left out.
    """
    found: list[ContractFile] = []
    if not root.is_dir():
        return ()
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or not _valid_name(folder.name):
            continue
        for path in folder.glob("*.json"):
            if _valid_version(path.stem):
                found.append(ContractFile(folder.name, path.stem, path))
    return tuple(sorted(found, key=lambda item: (item.name, parse_version(item.version))))


def find_contract(root: Path, name: str, version: str | None = None) -> ContractFile:
    """The committed contract ``name`` at ``version`` (the latest when ``None``)."""
    versions = [item for item in list_contracts(root) if item.name == name]
    if version is not None:
        versions = [item for item in versions if item.version == version]
    if not versions:
        wanted = name if version is None else f"{name} {version}"
        raise ContractFileError(f"no contract {wanted} under {root}", details={"name": name})
    return versions[-1]


def load_contract(spec: str, root: Path) -> dict[str, Any]:
    """The contract a command-line argument names, read or generated.

    ``spec`` is a path to a contract file; ``NAME@VERSION`` (``NAME@latest`` for the
    newest) for a committed version under ``root``; or a bare ``NAME`` for what the
    model generates now, so a change can be judged before its version is bumped.
    """
    if spec.endswith(".json") or Path(spec).is_file():
        return read_contract(Path(spec))
    name, at, version = spec.partition("@")
    if at:
        wanted = None if version == "latest" else version
        return read_contract(find_contract(root, name, wanted).path)
    for source in contract_sources():
        if source.name == name:
            return contract_document(source.model, name=source.name, version=source.version)
    raise ContractFileError(
        f"no contract {spec[:80]!r}: give a contract file, NAME@VERSION, NAME@latest or NAME",
        details={"spec": spec[:80]},
    )


def contract_status(
    root: Path, sources: Iterable[ContractSource] | None = None
) -> tuple[ContractStatus, ...]:
    """For each source, whether its committed contract is current, missing or changed."""
    statuses: list[ContractStatus] = []
    for source in contract_sources() if sources is None else sources:
        path = contract_path(root, source.name, source.version)
        if not path.is_file():
            state: ContractState = "missing"
        else:
            generated = contract_document(source.model, name=source.name, version=source.version)
            state = "current" if same(read_contract(path), generated) else "changed"
        statuses.append(ContractStatus(source, path, state))
    return tuple(statuses)


def write_contracts(
    root: Path, *, sources: Iterable[ContractSource] | None = None, overwrite: bool = False
) -> list[Path]:
    """Write every missing contract file and return the paths written.

    A committed contract that the model no longer generates is a change without a
    version bump: nothing is written and ``ContractChangedError`` lists them, unless
    ``overwrite`` (for a contract never published, in the same change that made it).
    """
    statuses = contract_status(root, sources)
    changed = [status for status in statuses if status.state == "changed"]
    if changed and not overwrite:
        names = [f"{status.source.name}:{status.source.version}" for status in changed]
        raise ContractChangedError(
            "; ".join(status.advice() for status in changed), details={"contracts": names}
        )
    written: list[Path] = []
    for status in statuses:
        if status.state != "current":
            source = status.source
            document = contract_document(source.model, name=source.name, version=source.version)
            written.append(write_contract(root, document))
    return written


def history_problems(root: Path) -> tuple[str, ...]:
    """Every place where a contract's version did not move as far as its change needs.

    Also reports files whose ``$id`` or ``version`` disagrees with where they are kept.
    """
    problems: list[str] = []
    previous: tuple[ContractFile, dict[str, Any]] | None = None
    for item in list_contracts(root):
        document = read_contract(item.path)
        if (
            parse_contract_id(document["$id"]) != (item.name, item.version)
            or document.get("version") != item.version
        ):
            problems.append(f"{item.path}: $id and version must say {item.name} {item.version}")
        if previous is not None and previous[0].name == item.name:
            report = classify(previous[1], document)
            if not bump_suffices(previous[0].version, item.version, report.verdict):
                needed = required_bump(report.verdict)
                worst = next((r for r in report.reasons if r.effect == report.verdict), None)
                why = f" ({worst.kind} at {worst.path or '/'})" if worst else ""
                problems.append(
                    f"{item.name} {previous[0].version} -> {item.version} is {report.verdict}"
                    f"{why}: it needs a {needed} version step"
                )
        previous = (item, document)
    return tuple(problems)


def _valid_name(name: str) -> bool:
    try:
        check_name(name)
    except ContractNameError:
        return False
    return True


def _valid_version(version: str) -> bool:
    try:
        parse_version(version)
    except ContractNameError:
        return False
    return True
