"""The example catalog on disk, a migrated store and a hub that fails on demand."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.governance.catalog import write_example
from healthbridge.registries import HubRegistries
from healthbridge.services.governance import GovernanceSources
from healthbridge.services.governance_ports import ResourceRegistry
from healthbridge.store import create_store_engine
from healthbridge.store.approvals import Approvals
from healthbridge.store.catalog_state import CatalogState

REPO_CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"


class RegistryDownError(RuntimeError):
    """What a counted registry raises on the call it was told to fail."""


@dataclass
class Counter:
    """Calls made through every counted registry; ``fail_at`` fails that (1-based) call."""

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    fail_at: int | None = None

    def step(self, registry: str, action: str, name: str) -> None:
        self.calls.append((registry, action, name))
        if self.fail_at is not None and len(self.calls) == self.fail_at:
            raise RegistryDownError(f"{registry} is down")


@dataclass
class _Counted:
    registry_name: str
    inner: ResourceRegistry
    counter: Counter

    async def register(self, name: str, document: Mapping[str, Any]) -> None:
        self.counter.step(self.registry_name, "register", name)
        await self.inner.register(name, document)

    async def update(
        self, name: str, document: Mapping[str, Any], previous: Mapping[str, Any]
    ) -> None:
        self.counter.step(self.registry_name, "update", name)
        await self.inner.update(name, document, previous)

    async def remove(self, name: str, previous: Mapping[str, Any]) -> None:
        self.counter.step(self.registry_name, "remove", name)
        await self.inner.remove(name, previous)


class CountedHub:
    """``HubRegistries`` with every call counted (and the n-th one failing when asked)."""

    def __init__(self, real: HubRegistries, counter: Counter) -> None:
        self.real = real
        self.counter = counter
        for attribute in (
            "consumers",
            "integrations",
            "slos",
            "webhook_endpoints",
            "subscriptions",
            "schedules",
            "deprecations",
        ):
            setattr(self, attribute, _Counted(attribute, getattr(real, attribute), counter))


@pytest.fixture
def sources(tmp_path: Path) -> GovernanceSources:
    """The example catalog and a copy of the committed contracts, in tmp_path."""
    write_example(tmp_path / "catalog")
    shutil.copytree(REPO_CONTRACTS, tmp_path / "contracts")
    return GovernanceSources(tmp_path / "catalog", tmp_path / "contracts")


@pytest.fixture
async def engine(store_url: str) -> AsyncIterator[AsyncEngine]:
    store = create_store_engine(store_url)
    try:
        yield store
    finally:
        await store.dispose()


@pytest.fixture
def state(engine: AsyncEngine) -> CatalogState:
    return CatalogState(engine)


@pytest.fixture
def approvals(engine: AsyncEngine) -> Approvals:
    return Approvals(engine)
