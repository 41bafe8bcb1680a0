"""Starting runs from events: a low stock level starts a replenishment, a posted invoice a claim.

Each trigger is a durable subscription on the event bus. Its handler only decides and
starts; the run itself is DBOS's. The event's CloudEvent id is the business key of the
run, so an event delivered twice (a redelivery after a lost ack, a replay, a re-drive)
finds the run the first delivery started instead of starting a second one.

Outcomes: a started (or found) run and a non-actionable event are acked; a failure to
decide or start (Odoo or the system database down) is naked, so the bus delivers the
event again with backoff and, at its last delivery, keeps it as a dead letter.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from healthbridge.canonical.events import InvoicePosted, StockLevelChanged
from healthbridge.canonical.identifiers import odoo_system
from healthbridge.canonical.references import Reference
from healthbridge.core.errors import HealthbridgeError
from healthbridge.core.sections.workflows import WorkflowsSettings
from healthbridge.events.bus import EventBus
from healthbridge.events.delivery import ReceivedEvent
from healthbridge.events.outcomes import ACK, Nak, Outcome
from healthbridge.events.worker import SubscriptionWorker
from healthbridge.services.ports import OdooPort
from healthbridge.workflows.payer_claim.model import InvoiceToPayer
from healthbridge.workflows.payer_claim.workflow import start_invoice_to_payer
from healthbridge.workflows.replenishment.model import StockLow
from healthbridge.workflows.replenishment.trigger import ReorderRule, stock_low_for
from healthbridge.workflows.replenishment.workflow import start_replenishment

log = structlog.get_logger(__name__)

REPLENISHMENT_SUBSCRIPTION = "workflows-replenishment"
PAYER_CLAIM_SUBSCRIPTION = "workflows-payer-claim"
STOCK_SCOPES = ("events:inventory.read",)
INVOICE_SCOPES = ("events:billing.read", "data:financial")


def odoo_id(reference: Reference | None, model: str) -> int | None:
    """The Odoo record id ``reference`` names by its ``urn:healthbridge:odoo:<model>`` id."""
    identifier = None if reference is None else reference.identifier
    if identifier is None or identifier.system != odoo_system(model):
        return None
    try:
        return int(identifier.value or "")
    except ValueError:
        return None


def trace_id_of(cloudevent: Mapping[str, Any]) -> str | None:
    """The W3C trace id of the event's ``traceparent`` (``00-<trace>-<span>-<flags>``)."""
    parts = str(cloudevent.get("traceparent") or "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


def _failed(trigger: str, error: Exception) -> Nak:
    code = error.code if isinstance(error, HealthbridgeError) else type(error).__name__
    log.warning("workflow_trigger_failed", trigger=trigger, error=code)
    return Nak(code=code)


@dataclass(frozen=True, slots=True)
class ReplenishmentTrigger:
    """StockLevelChanged -> ``start_replenishment`` when the location is below its reorder point."""

    odoo: OdooPort
    rule: ReorderRule
    start: Callable[[StockLow], Awaitable[object]] = start_replenishment

    async def __call__(self, received: ReceivedEvent) -> Outcome:
        """Start (or find) the run for this event; ack what needs no run."""
        event = received.event
        if not isinstance(event, StockLevelChanged):
            return ACK
        product_id = odoo_id(event.product, "product.product")
        location_id = odoo_id(event.location, "stock.location")
        if product_id is None or location_id is None:
            log.debug("replenishment_trigger_skipped", reason="not_an_odoo_quant")
            return ACK
        try:
            request = await stock_low_for(
                self.odoo,
                product_id=product_id,
                location_id=location_id,
                event_id=received.id,
                rule=self.rule,
                trace_id=trace_id_of(received.cloudevent),
            )
            if request is None:
                return ACK
            await self.start(request)
        except Exception as error:
            return _failed("replenishment", error)
        log.info("replenishment_triggered", workflow_id=request.workflow_id)
        return ACK


@dataclass(frozen=True, slots=True)
class PayerClaimTrigger:
    """InvoicePosted -> ``start_invoice_to_payer`` when the invoice's partner is covered.

    A partner is covered when it carries the ``claim_partner_tag`` tag (``Patient`` by
    default) and a ``ref``; the ``ref`` (the member's id at the payer) is the coverage.
    """

    odoo: OdooPort
    settings: WorkflowsSettings
    start: Callable[[InvoiceToPayer], Awaitable[object]] = start_invoice_to_payer

    async def __call__(self, received: ReceivedEvent) -> Outcome:
        """Start (or find) the claim run of a covered invoice; ack the rest."""
        event = received.event
        if not isinstance(event, InvoicePosted):
            return ACK
        if self.settings.payer_client_secret is None:
            log.debug("payer_claim_trigger_skipped", reason="no_payer_configured")
            return ACK
        invoice_id = odoo_id(Reference(identifier=event.record), "account.move")
        partner_id = odoo_id(event.partner, "res.partner")
        if invoice_id is None or partner_id is None:
            log.debug("payer_claim_trigger_skipped", reason="not_an_odoo_invoice")
            return ACK
        try:
            coverage = await self._coverage(partner_id)
            if coverage is None:
                log.debug("payer_claim_trigger_skipped", reason="partner_not_covered")
                return ACK
            request = InvoiceToPayer(
                invoice_id=invoice_id,
                coverage=coverage,
                event_id=received.id,
                trace_id=trace_id_of(received.cloudevent),
            )
            await self.start(request)
        except Exception as error:
            return _failed("payer_claim", error)
        log.info("payer_claim_triggered", workflow_id=request.workflow_id)
        return ACK

    async def _coverage(self, partner_id: int) -> str | None:
        partners = await self.odoo.read("res.partner", [partner_id], ["ref", "category_id"])
        if not partners or not partners[0].get("ref"):
            return None
        tag_ids = [int(tag) for tag in partners[0].get("category_id") or []]
        if not tag_ids:
            return None
        tags = await self.odoo.read("res.partner.category", tag_ids, ["name"])
        if self.settings.claim_partner_tag not in {str(tag["name"]) for tag in tags}:
            return None
        return str(partners[0]["ref"])[:128]


async def workflow_triggers(
    bus: EventBus,
    odoo: OdooPort,
    settings: WorkflowsSettings,
    *,
    rule: ReorderRule | None = None,
) -> list[SubscriptionWorker]:
    """Subscribe the workflow triggers on ``bus``; the running workers (stopped by ``bus.close``).

    Call it once the workflow runtime is open (``open_workflows``): the handlers start
    DBOS runs in this process. Both subscriptions are durable and named, so a restarted
    worker continues where the last one acked.
    """
    replenish = ReplenishmentTrigger(odoo, rule or ReorderRule.from_settings(settings))
    claims = PayerClaimTrigger(odoo, settings)
    return [
        await bus.subscribe(
            REPLENISHMENT_SUBSCRIPTION, [StockLevelChanged.event_type], STOCK_SCOPES, replenish
        ),
        await bus.subscribe(
            PAYER_CLAIM_SUBSCRIPTION, [InvoicePosted.event_type], INVOICE_SCOPES, claims
        ),
    ]
