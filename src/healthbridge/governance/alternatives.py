"""Pairing the alternatives of a union across two versions of a schema.

``int | str`` becoming ``int | str | bool`` must read as one alternative added, not as
three replaced, so alternatives are paired by what identifies them (their ``$defs`` name,
else their type and values) before they are compared.
"""

from __future__ import annotations

from healthbridge.governance.schema_walk import ANNOTATION_KEYWORDS, Alternative, Shape, child


def bare_alternatives(shape: Shape) -> tuple[Alternative, ...]:
    """The alternatives to pair; a lone one drops the annotations its field already compared."""
    if shape.union:
        return shape.alternatives
    return tuple(
        Alternative(alt.key, {k: v for k, v in alt.node.items() if not _annotates(k)}, alt.refs)
        for alt in shape.alternatives
    )


def _annotates(keyword: str) -> bool:
    return keyword in ANNOTATION_KEYWORDS or keyword == "default" or keyword.startswith("x-")


def pair_alternatives(
    old: tuple[Alternative, ...], new: tuple[Alternative, ...]
) -> list[tuple[int | None, int | None]]:
    """Index pairs (old, new); ``None`` on one side means removed or added.

    Alternatives pair by key when keys are unique on both sides; the ones left over pair
    in order when both sides have as many (a changed alternative), else stand alone.
    """
    old_keys, new_keys = [alt.key for alt in old], [alt.key for alt in new]
    pairs: list[tuple[int | None, int | None]] = []
    if len(set(old_keys)) == len(old_keys) and len(set(new_keys)) == len(new_keys):
        pairs.extend(
            (old_index, new_keys.index(key))
            for old_index, key in enumerate(old_keys)
            if key in new_keys
        )
    paired_old = {index for index, _ in pairs}
    paired_new = {index for _, index in pairs}
    left_old = [index for index in range(len(old)) if index not in paired_old]
    left_new = [index for index in range(len(new)) if index not in paired_new]
    if len(left_old) == len(left_new):
        pairs.extend(zip(left_old, left_new, strict=True))
    else:
        pairs.extend((index, None) for index in left_old)
        pairs.extend((None, index) for index in left_new)
    return pairs


def union_path(path: str, old: Shape, old_index: int, new: Shape, new_index: int) -> str:
    """Where a pair of alternatives sits: under the new union's keyword when it has one."""
    if new.union:
        return child(path, new.union, new_index)
    if old.union:
        return child(path, old.union, old_index)
    return path
