"""Which events and data classes a subscriber's scopes permit.

Scopes:

- ``events:read`` permits every event type; ``events:<domain>.read`` (``events:billing.read``)
  the types of one domain; ``events:<type>`` (``events:org.healthbridge.invoice.paid.v1``)
  one type.
- ``data:financial``, ``data:pii``, ``data:phi`` raise the most sensitive data class the
  subscriber may see; each includes the classes below it. Without one, a subscriber sees
  public and operational fields only.

A subscription is refused when it names a type its scopes do not permit, or a type whose
*required* fields are more sensitive than it may see (they cannot be removed). Optional
fields above the subscriber's class are removed from each event it receives.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from pydantic import BaseModel

from healthbridge.canonical.classification import (
    DataClass,
    effective_data_classes,
    field_data_classes,
    most_sensitive,
)
from healthbridge.events.errors import SubscriptionRefusedError
from healthbridge.events.topology import event_model_or_error

_DATA_SCOPES = {
    "data:financial": DataClass.FINANCIAL,
    "data:pii": DataClass.PII,
    "data:phi": DataClass.PHI,
}


def data_ceiling(scopes: Iterable[str]) -> DataClass:
    """The most sensitive data class ``scopes`` let a subscriber see."""
    return most_sensitive(
        DataClass.OPERATIONAL, *(_DATA_SCOPES.get(s, DataClass.PUBLIC) for s in scopes)
    )


def permits_type(scopes: Iterable[str], event_type: str) -> bool:
    """Whether ``scopes`` permit subscribing to ``event_type``."""
    model = event_model_or_error(event_type)
    granted = set(scopes)
    return bool({"events:read", f"events:{model.domain}.read", f"events:{event_type}"} & granted)


@functools.cache
def field_classes(model: type[BaseModel]) -> Mapping[str, DataClass]:
    """Each top-level field of ``model`` with the most sensitive class anywhere inside it.

    Cached: models are immutable, and this runs for every event published or delivered.
    """
    classes = dict(field_data_classes(model))
    for path, data_class in effective_data_classes(model).items():
        top = path.split(".", 1)[0]
        classes[top] = most_sensitive(classes[top], data_class)
    return MappingProxyType(classes)


def check_subscription(name: str, event_types: Iterable[str], scopes: Iterable[str]) -> None:
    """Refuse (``SubscriptionRefusedError``) what ``scopes`` do not permit; else return."""
    granted = frozenset(scopes)
    ceiling = data_ceiling(granted)
    types = list(event_types)
    if not types:
        raise SubscriptionRefusedError(
            "a subscription names at least one event type", details={"subscription": name}
        )
    refused = [event_type for event_type in types if not permits_type(granted, event_type)]
    if refused:
        raise SubscriptionRefusedError(
            f"the scopes of {name} do not permit {', '.join(sorted(refused))}: grant "
            "events:read, events:<domain>.read or events:<type>",
            details={"subscription": name, "types": sorted(refused)},
        )
    for event_type in types:
        model = event_model_or_error(event_type)
        too_sensitive = sorted(
            field
            for field, data_class in field_classes(model).items()
            if data_class.rank > ceiling.rank and model.model_fields[field].is_required()
        )
        if too_sensitive:
            raise SubscriptionRefusedError(
                f"{event_type} always carries data more sensitive than {ceiling.value} "
                f"({', '.join(too_sensitive)}): grant data:<class> to {name}",
                details={"subscription": name, "type": event_type, "fields": too_sensitive},
            )
