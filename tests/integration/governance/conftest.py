"""A fake hub that records registrations and fails on demand, and a catalog on disk."""

from __future__ import annotations

import copy
import shutil
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from healthbridge.governance.catalog import write_example
from healthbridge.services.governance import GovernanceSources
from healthbridge.store import create_store_engine
from healthbridge.store.approvals import Approvals
from healthbridge.store.catalog_state import CatalogState

REPO_CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"


class RegistryDownError(RuntimeError):
    """What the fake hub raises when told to fail."""


@dataclass
class FakeHub:
    """Seven registries over one dict; ``fail_at`` makes the n-th forward call fail."""

    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, str, str]] = field(default_factory=list)
    fail_at: int | None = None
    fail_undo: bool = False
    forward_calls: int = 0
    undoing: bool = False
    consumers: _Registry = field(init=False)
    integrations: _Registry = field(init=False)
    slos: _Registry = field(init=False)
    webhook_endpoints: _Registry = field(init=False)
    subscriptions: _Registry = field(init=False)
    schedules: _Registry = field(init=False)
    deprecations: _Registry = field(init=False)

    def __post_init__(self) -> None:
        for attribute in (
            "consumers",
            "integrations",
            "slos",
            "webhook_endpoints",
            "subscriptions",
            "schedules",
            "deprecations",
        ):
            setattr(self, attribute, _Registry(self, attribute))

    def snapshot(self) -> dict[tuple[str, str], dict[str, Any]]:
        return copy.deepcopy(self.resources)

    def step(self, registry: str, operation: str, name: str) -> None:
        self.calls.append((registry, operation, name))
        if self.undoing:
            if self.fail_undo:
                raise RegistryDownError("undo refused")
            return
        self.forward_calls += 1
        if self.fail_at is not None and self.forward_calls == self.fail_at:
            # From here on every call is an undo of an earlier one.
            self.undoing = True
            raise RegistryDownError(f"{registry} is down")


class _Registry:
    def __init__(self, hub: FakeHub, registry: str) -> None:
        self._hub = hub
        self._registry = registry

    async def register(self, name: str, document: Mapping[str, Any]) -> None:
        self._hub.step(self._registry, "register", name)
        self._hub.resources[(self._registry, name)] = copy.deepcopy(dict(document))

    async def update(
        self, name: str, document: Mapping[str, Any], previous: Mapping[str, Any]
    ) -> None:
        self._hub.step(self._registry, "update", name)
        assert self._hub.resources.get((self._registry, name)) == previous
        self._hub.resources[(self._registry, name)] = copy.deepcopy(dict(document))

    async def remove(self, name: str, previous: Mapping[str, Any]) -> None:
        self._hub.step(self._registry, "remove", name)
        self._hub.resources.pop((self._registry, name), None)


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


@pytest.fixture
def hub() -> FakeHub:
    return FakeHub()
