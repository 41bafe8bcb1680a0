"""PHI at rest: phi fields of an event's data are sealed before publish, opened on delivery.

Each phi field's value (its JSON) is sealed with AES-256-GCM under the active key
(:mod:`healthbridge.security.field_encryption`), bound to the event id and the field
name, so the stream, a dead-letter record and a re-drive hold only ciphertext. The key
id travels in the envelope (``phikeyid``) and in each sealed value.

On delivery each subscriber gets a projection: fields above its data class are removed,
phi fields it may see are opened.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from healthbridge.canonical.classification import DataClass
from healthbridge.events.access import field_classes
from healthbridge.security.field_encryption import FieldCipher, is_sealed


def _aad(event_id: str, field: str) -> bytes:
    return f"{event_id}|{field}".encode()


@functools.cache
def phi_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The top-level fields of ``model`` that hold phi (sealed at rest)."""
    return tuple(name for name, cls in field_classes(model).items() if cls is DataClass.PHI)


class PhiSealer:
    """Seals and opens the phi fields of event data with one :class:`FieldCipher`."""

    def __init__(self, cipher: FieldCipher) -> None:
        self._cipher = cipher

    def seal(
        self, model: type[BaseModel], event_id: str, data: Mapping[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        """``data`` with each present phi field sealed, and the key id used (None: none)."""
        sealed = dict(data)
        key_id = None
        for field in phi_fields(model):
            value = sealed.get(field)
            if value is None or is_sealed(value):
                continue
            plaintext = json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
            sealed[field] = self._cipher.seal(plaintext, associated_data=_aad(event_id, field))
            key_id = self._cipher.active_key_id
        return sealed, key_id

    def project(
        self,
        model: type[BaseModel],
        event_id: str,
        data: Mapping[str, Any],
        ceiling: DataClass,
    ) -> dict[str, Any]:
        """What a subscriber that may see up to ``ceiling`` receives: removed or opened."""
        classes = field_classes(model)
        projected: dict[str, Any] = {}
        for field, value in data.items():
            data_class = classes.get(field, DataClass.PHI)
            if data_class.rank > ceiling.rank:
                continue
            if is_sealed(value):
                opened = self._cipher.open(value, associated_data=_aad(event_id, field))
                projected[field] = json.loads(opened)
            else:
                projected[field] = value
        return projected
