"""The sprawl check flags Odoo API keys and machine logins used outside the hub."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from healthbridge.core.errors import HealthbridgeError
from healthbridge.services.governance_sprawl import sprawl_check

USERS = [
    {"id": 2, "login": "admin", "name": "Administrator", "share": False},
    {"id": 6, "login": "hub-integration", "name": "Hub", "share": False},
    {"id": 9, "login": "lab-api", "name": "Lab API", "share": False},
    {"id": 10, "login": "j.peeters", "name": "J. Peeters", "share": False},
]


class FakeOdoo:
    """Answers search_read for res.users, and for res.users.apikeys unless told not to."""

    def __init__(self, keys: list[dict[str, Any]] | None) -> None:
        self.keys = keys
        self.asked: list[str] = []

    async def search_read(
        self, model: str, domain: Any = (), fields: Sequence[str] | None = None, **_: Any
    ) -> list[dict[str, Any]]:
        self.asked.append(model)
        if model == "res.users":
            return USERS
        if self.keys is None:
            raise _AccessDeniedError("no access to res.users.apikeys")
        return self.keys

    async def read(self, *_: Any, **__: Any) -> list[Mapping[str, Any]]:
        raise NotImplementedError

    async def search_count(self, *_: Any, **__: Any) -> int:
        raise NotImplementedError

    async def create(self, *_: Any, **__: Any) -> list[int]:
        raise NotImplementedError

    async def write(self, *_: Any, **__: Any) -> bool:
        raise NotImplementedError

    async def unlink(self, *_: Any, **__: Any) -> bool:
        raise NotImplementedError

    async def call(self, *_: Any, **__: Any) -> Any:
        raise NotImplementedError


class _AccessDeniedError(HealthbridgeError):
    code = "odoo.access_denied"


async def test_every_api_key_of_a_user_other_than_the_hub_is_a_finding() -> None:
    odoo = FakeOdoo(
        [
            {"id": 1, "name": "hub key", "user_id": [6, "Hub"]},
            {"id": 2, "name": "lab interface", "user_id": [9, "Lab API"]},
            {"id": 3, "name": "excel export", "user_id": [10, "J. Peeters"]},
        ]
    )
    report = await sprawl_check(odoo, hub_logins=("hub-integration",))  # type: ignore[arg-type]
    assert report.keys_readable
    assert [(f.login, f.key) for f in report.findings] == [
        ("lab-api", "lab interface"),
        ("j.peeters", "excel export"),
    ]
    assert odoo.asked == ["res.users", "res.users.apikeys"]


async def test_without_api_keys_machine_like_logins_are_listed_and_the_report_says_so() -> None:
    report = await sprawl_check(
        FakeOdoo(None),  # type: ignore[arg-type]
        hub_logins=("hub-integration",),
        machine_patterns=("*-api", "*integration*"),
    )
    assert not report.keys_readable
    assert "odoo.access_denied" in report.notes[0]
    assert [f.login for f in report.findings] == ["lab-api"]
