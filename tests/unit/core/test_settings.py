"""Settings: one YAML file plus HEALTHBRIDGE_ variables; secrets never from YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthbridge.core import ConfigError, load_settings
from healthbridge.core.settings import secret_paths


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(__import__("os").environ):
        if name.startswith("HEALTHBRIDGE_"):
            monkeypatch.delenv(name)


def test_defaults_run_embedded_with_no_services() -> None:
    settings = load_settings()
    assert settings.odoo.url is None
    assert settings.store_url().startswith("sqlite+aiosqlite:///")
    assert settings.odoo.protocol == "auto"


def test_yaml_file_and_environment_combine_with_environment_winning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    Path("healthbridge.yaml").write_text(
        "odoo:\n  url: https://erp.example.org/\n  database: prod\n  timeout_seconds: 5\n"
    )
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__DATABASE", "staging")
    settings = load_settings()
    assert settings.odoo.url == "https://erp.example.org"
    assert settings.odoo.database == "staging"
    assert settings.odoo.timeout_seconds == 5


def test_a_secret_in_the_yaml_file_is_refused_and_the_error_says_where_to_put_it() -> None:
    Path("healthbridge.yaml").write_text("odoo:\n  api_key: hunter2\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "odoo.api_key" in message
    assert "HEALTHBRIDGE_ODOO__API_KEY" in message
    assert "hunter2" not in message


def test_secrets_come_from_the_environment_or_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__API_KEY", "from-env")
    assert load_settings().odoo.api_key is not None
    assert load_settings().odoo.api_key.get_secret_value() == "from-env"  # type: ignore[union-attr]
    monkeypatch.delenv("HEALTHBRIDGE_ODOO__API_KEY")
    secret_file = tmp_path / "key.txt"
    secret_file.write_text("from-file\n")
    monkeypatch.setenv("HEALTHBRIDGE_ODOO__API_KEY_FILE", str(secret_file))
    key = load_settings().odoo.api_key
    assert key is not None
    assert key.get_secret_value() == "from-file"
    assert "from-file" not in repr(load_settings())


def test_an_unreadable_secret_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEALTHBRIDGE_CAPTURE__WEBHOOK_SECRET_FILE", "/nonexistent/secret")
    with pytest.raises(ConfigError, match="HEALTHBRIDGE_CAPTURE__WEBHOOK_SECRET_FILE"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value", "key"),
    [
        ("HEALTHBRIDGE_ODOO__TIMEOUT_SECONDS", "-1", "odoo.timeout_seconds"),
        ("HEALTHBRIDGE_ODOO__PROTOCOL", "soap", "odoo.protocol"),
        ("HEALTHBRIDGE_ODOO__URL", "erp.example.org", "odoo.url"),
        ("HEALTHBRIDGE_STORE__URL", "mysql://x", "store.url"),
        ("HEALTHBRIDGE_SERVER__PORT", "70000", "server.port"),
        ("HEALTHBRIDGE_CAPTURE__WEBHOOK_QUEUE_SIZE", "0", "capture.webhook_queue_size"),
        ("HEALTHBRIDGE_MLLP__PORT", "-1", "mllp.port"),
    ],
)
def test_every_invalid_value_names_its_key_and_how_to_set_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, key: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert key in str(caught.value)
    assert variable in str(caught.value)
    assert caught.value.details["key"] == key


def test_an_unknown_key_in_the_yaml_file_is_refused() -> None:
    Path("healthbridge.yaml").write_text("odoo:\n  urll: https://x\n")
    with pytest.raises(ConfigError, match=r"odoo\.urll"):
        load_settings()


def test_invalid_yaml_names_the_line() -> None:
    Path("healthbridge.yaml").write_text("odoo:\n  url: [unclosed\n")
    with pytest.raises(ConfigError, match="line"):
        load_settings()


def test_the_secret_paths_cover_every_secret_setting() -> None:
    assert set(secret_paths()) == {
        ("odoo", "api_key"),
        ("capture", "webhook_secret"),
        ("events", "encryption_keys"),
        ("gateway", "key_encryption_secret"),
        ("observability", "notify_url"),
        ("observability", "oncall_page_url"),
        ("workflows", "payer_client_secret"),
    }
