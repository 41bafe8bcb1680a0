"""The Odoo a command talks to: the configured one, or an embedded sandbox without one."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import SecretStr

from healthbridge.core import Settings
from healthbridge.sandbox.odoo.runner import RunningSandbox, running_sandbox


def _with_sandbox(settings: Settings, sandbox: RunningSandbox, secret: str) -> Settings:
    odoo = settings.odoo.model_copy(
        update={
            "url": sandbox.url,
            "database": sandbox.database,
            "login": "hub-integration",
            "api_key": SecretStr(sandbox.api_keys["hub-integration"]),
        }
    )
    capture = settings.capture.model_copy(update={"webhook_secret": SecretStr(secret)})
    return settings.model_copy(update={"odoo": odoo, "capture": capture})


@asynccontextmanager
async def embedded_odoo(
    settings: Settings,
) -> AsyncIterator[tuple[Settings, RunningSandbox | None]]:
    """The configured Odoo, or an embedded sandbox when ``odoo.url`` is not set."""
    if settings.odoo.url is not None:
        yield settings, None
        return
    async with running_sandbox() as sandbox:
        secret = (
            settings.capture.webhook_secret.get_secret_value()
            if settings.capture.webhook_secret
            else secrets.token_urlsafe(24)
        )
        yield _with_sandbox(settings, sandbox, secret), sandbox
