"""The portfolio groups integrations, shows findings, SLO status and deprecations due."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from healthbridge.governance.catalog import catalog_from_texts, example_texts
from healthbridge.governance.policy import Finding
from healthbridge.governance.report import SloStatus, build_portfolio, render_html, render_markdown

FINDING = Finding("HB040", "warning", "a <real-time> flow", "supply.yaml", 3, "Integration", "w")


def _portfolio(as_of: date = date(2026, 11, 24)):  # type: ignore[no-untyped-def]
    texts = {n: t for n, t in example_texts().items() if n.endswith(".yaml")}
    return build_portfolio(
        catalog_from_texts(texts),
        [FINDING],
        as_of=as_of,
        slo_status={"payer-claims": SloStatus("at-risk", "burn rate 6x")},
    )


def test_integrations_are_counted_by_domain_owner_tier_and_latency() -> None:
    portfolio = _portfolio()
    assert portfolio.count_by("domain") == [
        ("supply-chain", 3),
        ("billing", 1),
        ("patient-administration", 1),
        ("payer", 1),
    ]
    assert dict(portfolio.count_by("tier")) == {"1": 3, "2": 2, "3": 1}
    assert dict(portfolio.count_by("latency_class"))["real-time"] == 1


def test_deprecations_inside_the_horizon_are_listed_with_days_left() -> None:
    (due,) = _portfolio(date(2027, 1, 1)).deprecations
    assert (due.target, due.version, due.days_left) == ("Invoice", "1.0.0", 90)
    assert _portfolio(date(2026, 1, 1)).deprecations == ()


def test_the_markdown_report_has_every_section() -> None:
    text = render_markdown(_portfolio())
    for heading in (
        "# Integration portfolio",
        "## By domain",
        "## By owner",
        "## By criticality tier",
        "## By latency class",
        "## Integrations",
        "## Policy findings",
        "## Deprecations due within 180 days",
    ):
        assert heading in text.splitlines()
    assert "| payer-claims | payer |" in text
    assert "at-risk (burn rate 6x)" in text
    assert "| invoice-1-0 | Invoice | 1.0.0 | 2027-04-01 | 128 |" in text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [value or "" for name, value in attrs if name in ("href", "src")]


def test_the_html_report_is_self_contained_and_escapes_what_it_shows() -> None:
    html = render_html(_portfolio())
    parser = _Tags()
    parser.feed(html)
    assert "script" not in parser.tags
    assert "link" not in parser.tags
    assert parser.links == []
    assert parser.tags.count("style") == 1
    assert "a &lt;real-time&gt; flow" in html
    assert "<real-time>" not in html
    assert re.search(r"<h2>Deprecations due within 180 days</h2>", html)
    assert html.startswith("<!DOCTYPE html>")
