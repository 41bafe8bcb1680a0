"""One timeline per business transaction, and the steps that did not happen in time.

A business key ties the records of several systems together. Each chain below lists its
steps in order with the system expected to hold each one and how long after the step
before it should happen. The timeline puts every recorded step in its place and judges
each expected step:

- ``on_time``: recorded within its expected time after the step before;
- ``late``: recorded, but after its deadline;
- ``overdue``: not recorded and its deadline has passed — what an operator chases;
- ``pending``: not recorded, deadline still ahead;
- ``waiting``: not recorded and the step before has not happened either;
- ``missing``: the chain's first step was never recorded (the key entered mid-way).

Steps recorded under the key that the chain does not name are shown as ``extra``.

The expected times are defaults drawn from common practice (a purchase order within an
hour of an approved supply request, a vendor bill within a week of receipt, net-30
payment); the catalog may tune them per integration later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from healthbridge.core.errors import NotFoundError
from healthbridge.services.observability_ports import BusinessEventsPort, BusinessEventView

StepStatus = Literal["on_time", "late", "overdue", "pending", "waiting", "missing", "extra"]
PROBLEMS: Final = frozenset({"late", "overdue", "missing"})


@dataclass(frozen=True, slots=True)
class StepRule:
    """One expected step: its name, the system that holds it, and its deadline."""

    step: str
    system: str
    within: timedelta | None
    """Time allowed after the previous step; None for a chain's first step."""


@dataclass(frozen=True, slots=True)
class Chain:
    """A kind of business transaction: its steps in order."""

    name: str
    steps: tuple[StepRule, ...]

    def step_names(self) -> tuple[str, ...]:
        """The steps' names in order."""
        return tuple(rule.step for rule in self.steps)


SUPPLY_CHAIN: Final = Chain(
    "supply",
    (
        StepRule("supply_request", "hub", None),
        StepRule("purchase_order", "odoo", timedelta(hours=1)),
        StepRule("receipt", "odoo", timedelta(days=14)),
        StepRule("vendor_bill", "odoo", timedelta(days=7)),
        StepRule("payment", "odoo", timedelta(days=30)),
    ),
)
"""Supply request -> purchase order -> goods receipt -> vendor bill -> supplier payment."""

ADMISSION_CHAIN: Final = Chain(
    "admission",
    (
        StepRule("admission", "ehr", None),
        StepRule("patient", "odoo", timedelta(minutes=5)),
        StepRule("invoice", "odoo", timedelta(days=3)),
        StepRule("claim", "payer", timedelta(days=2)),
        StepRule("payment", "payer", timedelta(days=30)),
    ),
)
"""HL7 admission -> patient (billing party) in Odoo -> invoice -> payer claim -> payment."""

CHAINS: Final = (SUPPLY_CHAIN, ADMISSION_CHAIN)


@dataclass(frozen=True, slots=True)
class TimelineStep:
    """One row of a timeline: a recorded step, an expected one, or both."""

    step: str
    system: str
    status: StepStatus
    record_ref: str | None = None
    occurred_at: datetime | None = None
    expected_by: datetime | None = None
    trace_id: str | None = None

    @property
    def problem(self) -> bool:
        """Late, overdue or missing: what the operator should look at."""
        return self.status in PROBLEMS


@dataclass(frozen=True, slots=True)
class Timeline:
    """A business transaction's steps in order, judged against the chain's expectations."""

    key: str
    chain: str
    steps: tuple[TimelineStep, ...]

    @property
    def problems(self) -> tuple[TimelineStep, ...]:
        """The steps that did not happen within their expected time."""
        return tuple(step for step in self.steps if step.problem)


def chain_for(steps: Sequence[str], chains: Sequence[Chain] = CHAINS) -> Chain:
    """The chain whose first step was recorded, else the one sharing the most steps."""
    recorded = set(steps)
    for chain in chains:
        if chain.steps[0].step in recorded:
            return chain
    return max(chains, key=lambda chain: len(recorded & set(chain.step_names())))


def build_timeline(
    key: str,
    events: Sequence[BusinessEventView],
    now: datetime,
    chains: Sequence[Chain] = CHAINS,
) -> Timeline:
    """Judge ``events`` (one key's records) against its chain at the moment ``now``."""
    chain = chain_for([event.step for event in events], chains)
    first: dict[str, BusinessEventView] = {}
    for recorded in sorted(events, key=lambda e: e.occurred_at):
        first.setdefault(recorded.step, recorded)
    rows: list[TimelineStep] = []
    previous_at: datetime | None = None
    for index, rule in enumerate(chain.steps):
        event = first.get(rule.step)
        deadline = None
        if rule.within is not None and previous_at is not None:
            deadline = previous_at + rule.within
        rows.append(
            _judge(rule, event, deadline=deadline, index=index, previous_at=previous_at, now=now)
        )
        previous_at = event.occurred_at if event is not None else None
    named = set(chain.step_names())
    rows.extend(
        TimelineStep(e.step, e.system, "extra", e.record_ref, e.occurred_at, None, e.trace_id)
        for e in sorted(events, key=lambda e: e.occurred_at)
        if e.step not in named
    )
    return Timeline(key, chain.name, tuple(rows))


def _judge(
    rule: StepRule,
    event: BusinessEventView | None,
    *,
    deadline: datetime | None,
    index: int,
    previous_at: datetime | None,
    now: datetime,
) -> TimelineStep:
    if event is not None:
        late = deadline is not None and event.occurred_at > deadline
        return TimelineStep(
            rule.step,
            event.system,
            "late" if late else "on_time",
            event.record_ref,
            event.occurred_at,
            deadline,
            event.trace_id,
        )
    if index == 0:
        return TimelineStep(rule.step, rule.system, "missing")
    if previous_at is None or deadline is None:
        return TimelineStep(rule.step, rule.system, "waiting")
    status: StepStatus = "overdue" if now > deadline else "pending"
    return TimelineStep(rule.step, rule.system, status, expected_by=deadline)


async def business_timeline(events: BusinessEventsPort, key: str, now: datetime) -> Timeline:
    """The timeline of ``key``; NotFoundError when nothing was recorded under it."""
    recorded = await events.timeline(key)
    if not recorded:
        raise NotFoundError(
            "no business event is recorded under this key: check the key, or list recent "
            "keys with `healthbridge trace recent`",
            details={"code": "trace.unknown_key"},
        )
    return build_timeline(key, recorded, now)
