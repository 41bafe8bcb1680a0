"""Typed errors for everything an Odoo call can end in, whichever protocol carried it.

Each error names the call that caused it (model, method, protocol) and never the
arguments' values, which may hold PHI. Odoo's own text is kept in ``odoo_message`` for
an operator to read where PHI may be logged; it is never part of ``str(error)``, because
a business message can quote a record (a patient billed as a partner). The safe message
instead says what to do.

``transient`` marks errors that say nothing about the call itself (the network, a
timeout, an overloaded or unreachable server): only those are retried and only those
count against the circuit breaker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from healthbridge.core.errors import HealthbridgeError

ProtocolName = Literal["json2", "jsonrpc", "xmlrpc"]
"""The three Odoo external APIs the connector speaks."""

SiteProtocol = Literal["json2", "jsonrpc", "xmlrpc", "http"]
"""``http`` is a plain endpoint outside the three APIs (``GET /web/version``)."""


@dataclass(frozen=True, slots=True)
class CallSite:
    """Which call failed: safe to log, it holds no argument values."""

    model: str
    method: str
    protocol: SiteProtocol

    def __str__(self) -> str:
        return f"{self.model}.{self.method} over {self.protocol}"


class OdooError(HealthbridgeError):
    """Base of every error raised by the Odoo connector."""

    code: ClassVar[str] = "odoo.error"
    transient_by_default: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        site: CallSite,
        odoo_message: str | None = None,
        odoo_name: str | None = None,
        http_status: int | None = None,
        fault_code: int | None = None,
        transient: bool | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        details: dict[str, Any] = {
            "model": site.model,
            "method": site.method,
            "protocol": site.protocol,
        }
        if odoo_name is not None:
            details["odoo_name"] = odoo_name
        if http_status is not None:
            details["http_status"] = http_status
        if fault_code is not None:
            details["fault_code"] = fault_code
        details.update(extra or {})
        super().__init__(message, details=details)
        self.site = site
        self.odoo_message = odoo_message
        self.odoo_name = odoo_name
        self.http_status = http_status
        self.fault_code = fault_code
        self.transient = self.transient_by_default if transient is None else transient

    @property
    def model(self) -> str:
        """The Odoo model the call addressed."""
        return self.site.model

    @property
    def method(self) -> str:
        """The Odoo method the call addressed."""
        return self.site.method

    @property
    def protocol(self) -> SiteProtocol:
        """The protocol that carried the call."""
        return self.site.protocol


class OdooAuthenticationError(OdooError):
    """Odoo refused the credentials (wrong or expired API key, unknown login)."""

    code = "odoo.authentication"


class OdooAccessDenied(OdooError):  # noqa: N818 - named for Odoo's own exception
    """The user is known but may not do this (access rights, record rules, private method)."""

    code = "odoo.access_denied"


class OdooValidationError(OdooError):
    """A constraint or business rule refused the call; nothing was written."""

    code = "odoo.validation"


class OdooUserError(OdooValidationError):
    """A business rule (``UserError``) rather than a field constraint refused the call."""


class OdooMissingRecord(OdooError):  # noqa: N818 - named for Odoo's own exception
    """A record named by id does not exist or was deleted."""

    code = "odoo.missing_record"


class OdooUnknownModel(OdooError):  # noqa: N818 - named for Odoo's own exception
    """The model does not exist on this Odoo (a typo or a module that is not installed)."""

    code = "odoo.unknown_model"


class OdooUnknownField(OdooError):  # noqa: N818 - named for Odoo's own exception
    """A field named in ``fields``, a domain or values does not exist on the model."""

    code = "odoo.unknown_field"


class OdooUnknownMethod(OdooError):  # noqa: N818 - named for Odoo's own exception
    """The method does not exist on the model."""

    code = "odoo.unknown_method"


class OdooServerError(OdooError):
    """Odoo failed in a way the connector does not classify (an unexpected exception, a 5xx)."""

    code = "odoo.server_error"


class OdooTransportError(OdooError):
    """No usable answer: connection refused or reset, an HTML page, a body that is not JSON."""

    code = "odoo.transport"
    transient_by_default = True


class OdooTimeout(OdooError):  # noqa: N818 - named for Odoo's own exception
    """Odoo did not answer within the call's deadline; a write may or may not have happened."""

    code = "odoo.timeout"
    transient_by_default = True


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` says Odoo is unreachable or unwell, rather than that the call was wrong.

    The retry policy and the circuit breaker both use this one rule.
    """
    return isinstance(exc, OdooError) and exc.transient
