"""Field-by-field comparison of two mapping outputs, with PHI masked unless asked for.

A dry run needs to say *which* fields a new mapping version changes, on real traffic,
without printing the patient data those fields hold. :func:`compare_outputs` flattens
both outputs to leaf paths (``names[0].family``) over ``model_dump(mode="json")`` and
keeps the data class of each leaf from the canonical annotations; the report type keeps
the values (an operator may ask to see them), :meth:`FieldDifference.shown` masks those
classed ``phi`` or ``pii``, and values of no known class, which cannot be proven safe.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from healthbridge.canonical.classification import DataClass, data_class_of, most_sensitive

MASK = "***"
"""What a masked value reads as."""

_SENSITIVE = frozenset({DataClass.PHI, DataClass.PII})


@dataclass(frozen=True, slots=True)
class Leaf:
    """One value of a flattened output and how sensitive it is (None when unclassified)."""

    value: Any
    data_class: DataClass | None


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One leaf that differs; ``old``/``new`` are None where that side has no such leaf."""

    path: str
    old: Any
    new: Any
    data_class: DataClass | None = None

    @property
    def sensitive(self) -> bool:
        """True when the values are PHI, PII or of no known class."""
        return self.data_class is None or self.data_class in _SENSITIVE

    def shown(self, *, show_values: bool = False) -> tuple[str, str]:
        """The old and new values as text, masked when sensitive unless ``show_values``."""
        if self.sensitive and not show_values:
            return (
                MASK if self.old is not None else "-",
                MASK if self.new is not None else "-",
            )
        return _text(self.old), _text(self.new)


def _text(value: Any) -> str:
    return "-" if value is None else repr(value) if isinstance(value, str) else str(value)


def flatten(output: object) -> dict[str, Leaf]:
    """Every leaf of ``output`` by dotted path with list indexes, in output order."""
    found: dict[str, Leaf] = {}
    _walk(output, None, "", None, found)
    return found


def _walk(
    obj: object, dumped: Any, path: str, inherited: DataClass | None, found: dict[str, Leaf]
) -> None:
    if isinstance(obj, BaseModel):
        data = obj.model_dump(mode="json")
        for name in type(obj).model_fields:
            try:
                own: DataClass | None = data_class_of(type(obj), name)
            except LookupError:
                own = None
            effective = _combine(own, inherited)
            _walk(getattr(obj, name), data[name], _join(path, name), effective, found)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            _walk(getattr(obj, field.name), None, _join(path, field.name), inherited, found)
    elif isinstance(obj, list | tuple):
        items = dumped if isinstance(dumped, list) else [None] * len(obj)
        for index, (item, item_dumped) in enumerate(zip(obj, items, strict=True)):
            _walk(item, item_dumped, f"{path}[{index}]", inherited, found)
    else:
        value = dumped if dumped is not None else _plain(obj)
        found[path or "$"] = Leaf(value, inherited)


def _plain(value: object) -> Any:
    """A JSON-like form of a leaf outside any model (a dataclass field)."""
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def _combine(own: DataClass | None, inherited: DataClass | None) -> DataClass | None:
    if own is None or inherited is None:
        return own or inherited
    return most_sensitive(own, inherited)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def output_json(output: object) -> Any:
    """A mapping output (model, dataclass, list of them) as plain JSON, for golden files."""
    if isinstance(output, BaseModel):
        return output.model_dump(mode="json")
    if dataclasses.is_dataclass(output) and not isinstance(output, type):
        return {f.name: output_json(getattr(output, f.name)) for f in dataclasses.fields(output)}
    if isinstance(output, list | tuple):
        return [output_json(item) for item in output]
    return _plain(output)


def compare_outputs(old_obj: object, new_obj: object) -> list[FieldDifference]:
    """Every leaf whose value differs between the two outputs (or exists in one only).

    Paths come in the old output's order, then paths only the new one has. Two equal
    outputs give an empty list.
    """
    old, new = flatten(old_obj), flatten(new_obj)
    differences = []
    for path in [*old, *(p for p in new if p not in old)]:
        before, after = old.get(path), new.get(path)
        if before is not None and after is not None and before.value == after.value:
            continue
        classes = [leaf.data_class for leaf in (before, after) if leaf is not None]
        known = [c for c in classes if c is not None]
        data_class = most_sensitive(*known) if known and len(known) == len(classes) else None
        differences.append(
            FieldDifference(
                path=path,
                old=before.value if before is not None else None,
                new=after.value if after is not None else None,
                data_class=data_class,
            )
        )
    return differences
