"""The event backbone on NATS JetStream: CloudEvents, streams, subscriptions, dead letters.

Bootstrap builds it with :func:`open_event_bus`; handlers are typed async functions that
return an explicit :data:`Outcome`.
"""

from healthbridge.events.access import check_subscription, data_ceiling, permits_type
from healthbridge.events.admin import ConsumerSummary, StreamAdmin, StreamSummary
from healthbridge.events.bus import EventBus, connect, open_event_bus
from healthbridge.events.delivery import BatchHandler, Handler, ReceivedEvent
from healthbridge.events.envelope import (
    MSG_ID_HEADER,
    Envelope,
    MalformedEventError,
    event_id,
    new_traceparent,
)
from healthbridge.events.errors import (
    EventBusUnavailableError,
    EventServerError,
    InvalidReplayError,
    PublishError,
    SubscriptionRefusedError,
    UnknownDeadLetterError,
    UnknownEventTypeError,
    UnknownSubscriptionError,
)
from healthbridge.events.outcomes import ACK, Ack, DeadLetter, Nak, Outcome, Term
from healthbridge.events.publisher import EventPublisher, Outgoing, OutgoingLike, Published
from healthbridge.events.sealing import PhiSealer, phi_fields
from healthbridge.events.server import (
    EmbeddedServer,
    embedded_server,
    find_server_binary,
    start_embedded_server,
)
from healthbridge.events.subscription import StartPosition, Subscription
from healthbridge.events.topology import Topology
from healthbridge.events.worker import SubscriptionWorker

__all__ = [
    "ACK",
    "MSG_ID_HEADER",
    "Ack",
    "BatchHandler",
    "ConsumerSummary",
    "DeadLetter",
    "EmbeddedServer",
    "Envelope",
    "EventBus",
    "EventBusUnavailableError",
    "EventPublisher",
    "EventServerError",
    "Handler",
    "InvalidReplayError",
    "MalformedEventError",
    "Nak",
    "Outcome",
    "Outgoing",
    "OutgoingLike",
    "PhiSealer",
    "PublishError",
    "Published",
    "ReceivedEvent",
    "StartPosition",
    "StreamAdmin",
    "StreamSummary",
    "Subscription",
    "SubscriptionRefusedError",
    "SubscriptionWorker",
    "Term",
    "Topology",
    "UnknownDeadLetterError",
    "UnknownEventTypeError",
    "UnknownSubscriptionError",
    "check_subscription",
    "connect",
    "data_ceiling",
    "embedded_server",
    "event_id",
    "find_server_binary",
    "new_traceparent",
    "open_event_bus",
    "permits_type",
    "phi_fields",
    "start_embedded_server",
]
