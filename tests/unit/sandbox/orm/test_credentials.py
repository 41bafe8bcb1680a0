"""Users, passwords and API keys: the same key works as bearer token and RPC password."""

from __future__ import annotations

import pytest

from healthbridge.sandbox.odoo.exceptions import AccessDenied
from healthbridge.sandbox.odoo.orm import Database


def test_passwords_and_api_keys_authenticate_their_own_user(db: Database) -> None:
    assert db.authenticate("admin", "admin") == 2
    assert db.authenticate("admin", "admin-key") == 2
    assert db.authenticate("demo", "demo") == 5
    assert db.authenticate("demo", "admin-key") is None
    assert db.authenticate("admin", "WRONG") is None
    assert db.authenticate("__system__", "") is None


def test_every_user_but_the_superuser_has_a_key(db: Database) -> None:
    keys = db.api_keys()
    assert set(keys) == {"admin", "demo", "hub-integration", "stock-reader"}
    assert keys["admin"] == "admin-key"
    assert len(keys["stock-reader"]) == 40
    assert {db.uid_for_api_key(key) for key in keys.values()} == {2, 5, 6, 7}
    assert db.uid_for_api_key("not-a-key") is None
    assert db.authenticate("hub-integration", keys["hub-integration"]) == 6


def test_check_credentials_refuses_a_wrong_secret(db: Database) -> None:
    db.check_credentials(2, "admin")
    db.check_credentials(5, "demo-key")
    for uid, secret in ((2, "demo-key"), (1, ""), (99, "admin")):
        with pytest.raises(AccessDenied) as caught:
            db.check_credentials(uid, secret)
        assert caught.value.wire("jsonrpc").debug == "odoo.exceptions.AccessDenied: Access Denied\n"


def test_version_info_has_odoos_shape() -> None:
    assert Database(demo=False).version_info() == {
        "server_version": "19.0",
        "server_version_info": [19, 0, 0, "final", 0, ""],
        "server_serie": "19.0",
        "protocol_version": 1,
    }
    assert Database(demo=False, server_version="17.0").version_info()["server_version_info"][
        :2
    ] == [17, 0]
