"""Reports over the catalog: the portfolio, as Markdown and self-contained HTML."""

from healthbridge.governance.report.html import render_html
from healthbridge.governance.report.markdown import render_markdown
from healthbridge.governance.report.portfolio import (
    DEFAULT_HORIZON_DAYS,
    DeprecationRow,
    IntegrationRow,
    Portfolio,
    SloState,
    SloStatus,
    SloStatusLike,
    build_portfolio,
)

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "DeprecationRow",
    "IntegrationRow",
    "Portfolio",
    "SloState",
    "SloStatus",
    "SloStatusLike",
    "build_portfolio",
    "render_html",
    "render_markdown",
]
