"""SLO status and alerting: budgets left, burn rates, and alerts sent once per transition.

``slo_statuses`` answers "how is each integration doing against its SLOs" from the SLI
samples in the store (the CLI and the console call it). ``SloMonitor`` runs the same
evaluation on an interval in the worker: it flushes the in-memory SLI counts, evaluates
the fast and slow burn-rate alerts, publishes the results as metrics, and routes an alert
when one starts firing and again when it resolves — not on every evaluation, so an
on-call tool sees one page per incident.

Objectives come from the catalog when it names them; an integration that reports SLIs
without a declared objective is held to the default target and tier from the settings,
so nothing that produces traffic is left unwatched.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Final

import structlog

from healthbridge.core.clock import Clock, SystemClock
from healthbridge.core.errors import HealthbridgeError
from healthbridge.governance.catalog.loader import Catalog
from healthbridge.governance.catalog.models import Integration
from healthbridge.governance.report.portfolio import SloStatus as PortfolioStatus
from healthbridge.observability.alert_routing import Alert, AlertRouter
from healthbridge.observability.burn_rate import (
    DEFAULT_RULES,
    AlertDecision,
    BurnRule,
    burn_rate,
    evaluate_all,
    window_label,
    windows_of,
)
from healthbridge.observability.metrics import METRICS, HubMetrics
from healthbridge.observability.sli import SliRecorder
from healthbridge.observability.slo import (
    DEFAULT_SLO_WINDOW,
    NO_EVENTS,
    Counts,
    SloObjective,
    Tier,
    budget_remaining,
)
from healthbridge.services.observability_ports import SliSamplesPort

log = structlog.get_logger(__name__)

_FLOAT_DIGITS: Final = 6


@dataclass(frozen=True, slots=True)
class SloStatus:
    """One objective evaluated at one moment."""

    objective: SloObjective
    window_counts: Counts
    """Events over the whole SLO window (30 days by default)."""
    budget_remaining: float
    burn_rates: Mapping[str, float]
    """Burn per alert window, by label (``5m``, ``30m``, ``1h``, ``6h``)."""
    decisions: tuple[AlertDecision, ...] = field(default=())

    @property
    def firing(self) -> tuple[str, ...]:
        """The names of the alerts firing (``fast``, ``slow``)."""
        return tuple(d.rule.name for d in self.decisions if d.firing)


def resolve_objectives(
    declared: Sequence[SloObjective],
    seen: Sequence[tuple[str, str]],
    *,
    default_target: float = 0.999,
    default_tier: Tier = 2,
    window: timedelta = DEFAULT_SLO_WINDOW,
) -> list[SloObjective]:
    """The declared objectives plus a default one for each undeclared pair with samples."""
    known = {(o.integration, o.slo) for o in declared}
    extra = [
        SloObjective(integration, slo, default_target, default_tier, window)
        for integration, slo in seen
        if (integration, slo) not in known
    ]
    return sorted([*declared, *extra], key=lambda o: (o.integration, o.slo))


async def slo_status(
    samples: SliSamplesPort,
    objective: SloObjective,
    now: datetime,
    rules: Sequence[BurnRule] = DEFAULT_RULES,
) -> SloStatus:
    """Budget left over the SLO window, burn over each alert window, and the alerts."""
    alert_windows = windows_of(rules)
    counts = await samples.counts(
        objective.integration, objective.slo, now, (*alert_windows, objective.window)
    )
    whole = counts.get(objective.window, NO_EVENTS)
    return SloStatus(
        objective,
        whole,
        round(float(budget_remaining(whole, objective.target)), _FLOAT_DIGITS),
        {
            window_label(w): round(
                float(burn_rate(counts.get(w, NO_EVENTS), objective.target)), _FLOAT_DIGITS
            )
            for w in alert_windows
        },
        evaluate_all(counts, objective.target, rules),
    )


async def slo_statuses(
    samples: SliSamplesPort,
    objectives: Sequence[SloObjective],
    now: datetime,
    rules: Sequence[BurnRule] = DEFAULT_RULES,
) -> list[SloStatus]:
    """``slo_status`` of each objective, in the objectives' order."""
    return [await slo_status(samples, objective, now, rules) for objective in objectives]


class SloMonitor:
    """Flushes SLI counts, evaluates every objective, and routes alert transitions."""

    def __init__(
        self,
        samples: SliSamplesPort,
        router: AlertRouter,
        *,
        declared: Sequence[SloObjective] = (),
        recorder: SliRecorder | None = None,
        default_target: float = 0.999,
        default_tier: Tier = 2,
        window: timedelta = DEFAULT_SLO_WINDOW,
        retention: timedelta = timedelta(days=35),
        rules: Sequence[BurnRule] = DEFAULT_RULES,
        metrics: HubMetrics | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._samples = samples
        self._router = router
        self._declared = tuple(declared)
        self._recorder = recorder
        self._defaults = (default_target, default_tier, window)
        self._retention = retention
        self._rules = tuple(rules)
        self._metrics = metrics if metrics is not None else METRICS
        self._clock = clock or SystemClock()
        self._firing: set[tuple[str, str, str]] = set()

    @property
    def firing(self) -> frozenset[tuple[str, str, str]]:
        """(integration, slo, rule) of every alert currently firing."""
        return frozenset(self._firing)

    async def flush(self) -> int:
        """Write the recorder's counts to the store; on failure they are kept for next time."""
        if self._recorder is None:
            return 0
        drained = self._recorder.drain()
        try:
            await self._samples.add(drained)
        except Exception:
            self._recorder.restore(drained)
            raise
        return len(drained)

    async def evaluate_once(self) -> list[SloStatus]:
        """One round: flush, evaluate, publish metrics, route what changed."""
        await self.flush()
        now = self._clock.now()
        target, tier, window = self._defaults
        seen = await self._samples.objectives(now - window)
        objectives = resolve_objectives(
            self._declared, seen, default_target=target, default_tier=tier, window=window
        )
        statuses = await slo_statuses(self._samples, objectives, now, self._rules)
        for status in statuses:
            self._publish(status)
            await self._route_changes(status, now)
        return statuses

    async def prune(self) -> int:
        """Delete samples past the retention."""
        return await self._samples.prune(self._clock.now() - self._retention)

    async def run(
        self, stop: asyncio.Event, interval_seconds: float, *, evaluate: bool = True
    ) -> None:
        """Every ``interval_seconds`` until ``stop``: evaluate (or only flush, in a gateway).

        One evaluator per deployment is enough (the worker); every process that records
        SLIs runs at least the flush. A failed round is logged and retried next time.
        """
        while not stop.is_set():
            try:
                await (self.evaluate_once() if evaluate else self.flush())
            except (HealthbridgeError, OSError) as exc:
                log.warning("slo_evaluation_failed", error_type=type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_seconds)
        with contextlib.suppress(HealthbridgeError, OSError):
            await self.flush()

    def _publish(self, status: SloStatus) -> None:
        objective = status.objective
        self._metrics.set_slo_status(
            objective.integration,
            objective.slo,
            budget_remaining=status.budget_remaining,
            burn_rates=status.burn_rates,
            alerts={d.rule.name: d.firing for d in status.decisions},
        )

    async def _route_changes(self, status: SloStatus, now: datetime) -> None:
        objective = status.objective
        for decision in status.decisions:
            key = (objective.integration, objective.slo, decision.rule.name)
            if decision.firing == (key in self._firing):
                continue
            alert = Alert(
                integration=objective.integration,
                slo=objective.slo,
                rule=decision.rule.name,
                tier=objective.tier,
                state="firing" if decision.firing else "resolved",
                long_burn=float(decision.long_burn),
                short_burn=float(decision.short_burn),
                budget_remaining=status.budget_remaining,
                at=now,
            )
            try:
                await self._router.route(alert)
            except HealthbridgeError as exc:
                # State stays as it was, so the transition is sent again next round.
                log.warning("alert_not_delivered", dedup_key=alert.dedup_key, code=exc.code)
                continue
            if decision.firing:
                self._firing.add(key)
            else:
                self._firing.discard(key)


LATENCY_TARGET: Final = 0.99
"""A p99 latency bound means 99% of requests are under it: the latency SLI's target."""
FRESHNESS_TARGET: Final = 0.99
"""Share of reads or syncs that must be within the freshness bound."""
AT_RISK_BUDGET: Final = 0.25


def objectives_from_catalog(
    catalog: Catalog, *, window: timedelta = DEFAULT_SLO_WINDOW
) -> list[SloObjective]:
    """The SLOs each catalog Integration declares, with its tier.

    ``availability`` is a percentage in the catalog (99.9); the latency and freshness
    bounds become SLIs whose good events are those within the bound, held to 99%.
    """
    found: list[SloObjective] = []
    for entry in catalog.of_kind("Integration"):
        manifest = entry.manifest
        if not isinstance(manifest, Integration) or manifest.spec.slos is None:
            continue
        slos, tier = manifest.spec.slos, manifest.spec.tier
        name = entry.name
        tier_value: Tier = 1 if tier == 1 else 2 if tier == 2 else 3
        if slos.availability is not None and slos.availability < 100:
            target = float(Fraction(str(slos.availability)) / 100)
            found.append(SloObjective(name, "availability", target, tier_value, window))
        if slos.latency_p99_ms is not None:
            found.append(SloObjective(name, "latency", LATENCY_TARGET, tier_value, window))
        if slos.freshness_seconds is not None:
            found.append(SloObjective(name, "freshness", FRESHNESS_TARGET, tier_value, window))
    return found


class PortfolioSloStatus:
    """Governance's ``SloStatusPort``: met, at-risk, breached or unknown per integration."""

    def __init__(
        self,
        samples: SliSamplesPort,
        objectives: Sequence[SloObjective],
        *,
        clock: Clock | None = None,
    ) -> None:
        self._samples = samples
        self._objectives = tuple(objectives)
        self._clock = clock or SystemClock()

    async def status(self, integrations: Sequence[str]) -> Mapping[str, PortfolioStatus]:
        """Each named integration with objectives; the worst of its SLOs decides."""
        now = self._clock.now()
        result: dict[str, PortfolioStatus] = {}
        for integration in integrations:
            mine = [o for o in self._objectives if o.integration == integration]
            if not mine:
                continue
            statuses = await slo_statuses(self._samples, mine, now)
            result[integration] = _portfolio_state(statuses)
        return result


def _portfolio_state(statuses: Sequence[SloStatus]) -> PortfolioStatus:
    measured = [s for s in statuses if s.window_counts.total]
    if not measured:
        return PortfolioStatus("unknown", "no SLI samples in the SLO window yet")
    worst = min(measured, key=lambda s: s.budget_remaining)
    firing = [f"{s.objective.slo} {name} burn" for s in measured for name in s.firing]
    detail = f"{worst.objective.slo}: {worst.budget_remaining:.1%} of the error budget left"
    if firing:
        detail += "; " + ", ".join(firing)
    if worst.budget_remaining < 0:
        return PortfolioStatus("breached", detail)
    if firing or worst.budget_remaining < AT_RISK_BUDGET:
        return PortfolioStatus("at-risk", detail)
    return PortfolioStatus("met", detail)
