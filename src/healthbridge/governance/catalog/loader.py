"""Read a catalog folder: YAML manifests validated against their models, with file:line.

YAML is composed into nodes first, so every key and list item keeps the line it was
written on; a validation error's field path is then mapped back to the nearest line
that exists (a missing key points at its parent). Every problem in every file is
collected before :class:`CatalogError` is raised, so one run shows them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from healthbridge.governance.catalog.errors import CatalogError, CatalogMissingError, Problem
from healthbridge.governance.catalog.models import API_VERSION, MANIFEST_KINDS, Manifest

FieldPath = tuple[str | int, ...]
MANIFEST_SUFFIXES = (".yaml", ".yml")
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it (about 10x faster); marks are the same."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A valid manifest and where it was written."""

    manifest: Manifest
    file: str
    line: int
    lines: Mapping[FieldPath, int] = field(default_factory=dict, repr=False)

    @property
    def kind(self) -> str:
        """The manifest's kind."""
        return self.manifest.kind

    @property
    def name(self) -> str:
        """The manifest's name."""
        return self.manifest.metadata.name

    def line_of(self, path: Sequence[str | int] | str | None) -> int:
        """The line of ``path`` (dotted or a tuple), or of its nearest written ancestor."""
        if path is None:
            return self.line
        parts: FieldPath = tuple(_parts(path)) if isinstance(path, str) else tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.line


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every manifest of a catalog folder, in file then document order."""

    entries: tuple[Entry, ...]
    root: str = "."

    def of_kind(self, kind: str) -> tuple[Entry, ...]:
        """The entries of one kind."""
        return tuple(entry for entry in self.entries if entry.kind == kind)

    def get(self, kind: str, name: str) -> Entry | None:
        """The entry of ``kind`` named ``name``, or None."""
        return next((e for e in self.entries if e.kind == kind and e.name == name), None)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def parse_manifests(text: str, file: str) -> tuple[list[Entry], list[Problem]]:
    """The manifests in one YAML text (several documents allowed) and its problems."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            data = loader.construct_document(node)
            lines: dict[FieldPath, int] = {}
            _record_lines(node, (), lines)
            line = node.start_mark.line + 1
            entry, problem = _validate(data, file, line, lines)
            if entry is not None:
                entries.append(entry)
            problems.extend(problem)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = mark.line + 1 if mark is not None else 1
        problems.append(Problem(file, at, "", f"not valid YAML: {error.problem or 'syntax'}"))
    except yaml.YAMLError:
        problems.append(Problem(file, 1, "", "not valid YAML"))
    finally:
        loader.dispose()
    return entries, problems


def manifest_files(root: Path) -> list[Path]:
    """The manifest files under ``root`` (recursively), in a stable order."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and path.suffix in MANIFEST_SUFFIXES and not path.name.startswith(".")
    )


def load_catalog(root: Path) -> Catalog:
    """Every manifest under ``root``; raises ``CatalogError`` listing every problem found."""
    if not root.is_dir():
        raise CatalogMissingError(
            f"no catalog folder at {root}: create one with `healthbridge catalog init {root}`",
            details={"path": str(root)},
        )
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path in manifest_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            problems.append(Problem(str(path), 1, "", "not readable as UTF-8 text"))
            continue
        found, wrong = parse_manifests(text, str(path))
        entries.extend(found)
        problems.extend(wrong)
    problems.extend(_duplicates(entries))
    if problems:
        raise CatalogError(problems)
    return Catalog(tuple(entries), str(root))


def catalog_from_texts(texts: Mapping[str, str]) -> Catalog:
    """A catalog from ``{file name: YAML text}`` (tests, and manifests not on disk)."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    for file, text in texts.items():
        found, wrong = parse_manifests(text, file)
        entries.extend(found)
        problems.extend(wrong)
    problems.extend(_duplicates(entries))
    if problems:
        raise CatalogError(problems)
    return Catalog(tuple(entries))


def _validate(
    data: Any, file: str, line: int, lines: Mapping[FieldPath, int]
) -> tuple[Entry | None, list[Problem]]:
    if data is None:
        return None, []
    if not isinstance(data, dict):
        return None, [Problem(file, line, "", "a manifest must be a mapping with apiVersion")]
    kind = data.get("kind")
    if data.get("apiVersion") != API_VERSION:
        at = lines.get(("apiVersion",), line)
        return None, [Problem(file, at, "apiVersion", f"must be {API_VERSION}")]
    model = MANIFEST_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        known = ", ".join(MANIFEST_KINDS)
        return None, [Problem(file, lines.get(("kind",), line), "kind", f"must be one of {known}")]
    try:
        manifest = model.model_validate(data)
    except ValidationError as error:
        return None, [_problem(item, file, line, lines) for item in error.errors()]
    return Entry(manifest, file, line, dict(lines)), []


def _problem(
    item: Mapping[str, Any], file: str, line: int, lines: Mapping[FieldPath, int]
) -> Problem:
    loc: FieldPath = tuple(part for part in item.get("loc", ()) if isinstance(part, str | int))
    at = line
    probe = loc
    while probe:
        if probe in lines:
            at = lines[probe]
            break
        probe = probe[:-1]
    message = str(item.get("msg", "invalid"))
    if item.get("type") == "missing":
        message = "is required"
    elif item.get("type") == "extra_forbidden":
        message = "is not a field of this kind"
    return Problem(file, at, ".".join(str(part) for part in loc), message)


def _duplicates(entries: Sequence[Entry]) -> list[Problem]:
    seen: dict[tuple[str, str], Entry] = {}
    problems: list[Problem] = []
    for entry in entries:
        key = (entry.kind, entry.name)
        if key in seen:
            first = seen[key]
            problems.append(
                Problem(
                    entry.file,
                    entry.line_of(("metadata", "name")),
                    "metadata.name",
                    f"{entry.kind} {entry.name} is already defined at {first.file}:{first.line}",
                )
            )
        else:
            seen[key] = entry
    return problems


def _record_lines(node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _record_lines(item, (*path, index), lines)


def _parts(path: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in path.split(".") if part]
