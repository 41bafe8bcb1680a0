"""The portfolio: the catalog seen as a whole, ready to render as Markdown or HTML.

Built from the catalog, the policy findings, SLO status (fed by the observability
area through a port; ``unknown`` until it reports) and the date, so it is a pure
function and renders the same way every time for the same inputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from healthbridge.governance.catalog.loader import Catalog
from healthbridge.governance.catalog.models import DeprecationSpec, IntegrationSpec
from healthbridge.governance.policy.findings import Finding

SloState = Literal["met", "at-risk", "breached", "unknown"]
DEFAULT_HORIZON_DAYS = 180


class SloStatusLike(Protocol):
    """Anything with an SLO ``state`` (met, at-risk, breached, unknown) and a ``detail``."""

    @property
    def state(self) -> str:
        """met, at-risk, breached or unknown."""
        ...

    @property
    def detail(self) -> str:
        """One short phrase, e.g. the burn rate."""
        ...


@dataclass(frozen=True, slots=True)
class SloStatus:
    """How an integration is doing against its SLOs right now."""

    state: SloState
    detail: str = ""


@dataclass(frozen=True, slots=True)
class IntegrationRow:
    """One integration as the portfolio lists it."""

    name: str
    domain: str
    owner: str
    on_call: str
    tier: int
    latency_class: str
    pattern: str
    data_classes: tuple[str, ...]
    consumers: int
    slo: SloStatusLike


@dataclass(frozen=True, slots=True)
class DeprecationRow:
    """A deprecation and how long until its sunset."""

    name: str
    target: str
    version: str
    sunset: date
    days_left: int
    successor: str


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Everything the portfolio report shows."""

    title: str
    as_of: date
    integrations: tuple[IntegrationRow, ...]
    findings: tuple[Finding, ...]
    deprecations: tuple[DeprecationRow, ...]
    horizon_days: int

    def count_by(self, attribute: str) -> list[tuple[str, int]]:
        """How many integrations per value of ``attribute``, largest first then by name."""
        counts = Counter(str(getattr(row, attribute)) for row in self.integrations)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def findings_by_severity(self) -> dict[str, int]:
        """Error, warning and note counts."""
        counts = Counter(finding.severity for finding in self.findings)
        return {severity: counts.get(severity, 0) for severity in ("error", "warning", "note")}


def build_portfolio(
    catalog: Catalog,
    findings: Sequence[Finding],
    *,
    as_of: date,
    slo_status: Mapping[str, SloStatusLike] | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    title: str = "Integration portfolio",
) -> Portfolio:
    """The portfolio of ``catalog`` on ``as_of``; deprecations due within the horizon."""
    statuses = slo_status or {}
    rows: list[IntegrationRow] = []
    for entry in catalog.of_kind("Integration"):
        spec = entry.manifest.spec
        if not isinstance(spec, IntegrationSpec):
            continue
        rows.append(
            IntegrationRow(
                name=entry.name,
                domain=spec.domain,
                owner=spec.owner.team,
                on_call=spec.owner.on_call or "",
                tier=spec.tier,
                latency_class=spec.latency_class,
                pattern=spec.pattern,
                data_classes=tuple(str(c) for c in spec.data_classes),
                consumers=len(spec.consumers),
                slo=statuses.get(entry.name, SloStatus("unknown")),
            )
        )
    rows.sort(key=lambda row: (row.domain, row.tier, row.name))
    due: list[DeprecationRow] = []
    for entry in catalog.of_kind("Deprecation"):
        spec_d = entry.manifest.spec
        if not isinstance(spec_d, DeprecationSpec):
            continue
        days_left = (spec_d.sunset - as_of).days
        if days_left <= horizon_days:
            due.append(
                DeprecationRow(
                    name=entry.name,
                    target=spec_d.contract or spec_d.integration or "",
                    version=spec_d.version,
                    sunset=spec_d.sunset,
                    days_left=days_left,
                    successor=spec_d.successor or "",
                )
            )
    due.sort(key=lambda row: (row.sunset, row.name))
    return Portfolio(title, as_of, tuple(rows), tuple(findings), tuple(due), horizon_days)
