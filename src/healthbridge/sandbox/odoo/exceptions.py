"""What the sandbox ORM raises, and how each Odoo protocol puts it on the wire.

The ORM raises one of these; the protocol layer asks ``wire(protocol)`` for the name,
message, status and fault code that a real Odoo 19.0 sends for the same situation (the
table in odoo-wire-facts.md, section 6). Keeping the table here means the three
protocols cannot drift from each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from healthbridge.core.errors import HealthbridgeError

Protocol = Literal["json2", "jsonrpc", "xmlrpc"]

ACCESS_DENIED = "Access Denied"


@dataclass(frozen=True, slots=True)
class WireError:
    """One error as a protocol shows it."""

    name: str
    """Fully-qualified exception class, e.g. ``odoo.exceptions.AccessError``."""
    message: str
    arguments: tuple[object, ...]
    http_status: int
    """JSON-2 status; JSON-RPC and XML-RPC always answer 200."""
    fault_code: int
    """XML-RPC faultCode: 1 traceback, 2 user error, 3 access denied, 4 access error."""
    fault_string: str
    debug: str


def _traceback(name: str, message: str) -> str:
    short = name.removeprefix("builtins.")
    return (
        "Traceback (most recent call last):\n"
        '  File "/opt/odoo/odoo/service/model.py", line 145, in execute_kw\n'
        "    ...\n"
        f"{short}: {message}\n"
    )


class OdooError(HealthbridgeError):
    """Base of every error the sandbox ORM raises on purpose; the wire layer renders it."""

    code: ClassVar[str] = "sandbox.odoo_error"

    name: ClassVar[str] = "odoo.exceptions.UserError"
    http_status: ClassVar[int] = 422
    fault_code: ClassVar[int] = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def wire(self, protocol: Protocol) -> WireError:
        """How ``protocol`` shows this error."""
        del protocol  # most errors look the same on every protocol
        return self._render(self.name, self.message, self.http_status, self.fault_code)

    def _render(self, name: str, message: str, status: int, fault: int) -> WireError:
        debug = _traceback(name, message)
        fault_string = debug if fault == 1 else message
        arguments: tuple[object, ...] = (
            (message, status) if name.startswith("werkzeug.") else (message,)
        )
        return WireError(name, message, arguments, status, fault, fault_string, debug)


class UserError(OdooError):
    """A business rule refused the call (422, fault 2)."""


class ValidationError(UserError):
    """A constraint failed; nothing was written (422, fault 2)."""

    name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    """A record named by id does not exist (404, fault 2)."""

    name = "odoo.exceptions.MissingError"
    http_status = 404


class AccessError(UserError):
    """The user may not do this to these records, or the method is private (403, fault 4)."""

    name = "odoo.exceptions.AccessError"
    http_status = 403
    fault_code = 4


class AccessDenied(UserError):
    """Bad credentials (JSON-2 401 Unauthorized, fault 3)."""

    name = "odoo.exceptions.AccessDenied"
    http_status = 401
    fault_code = 3

    def __init__(self, message: str = ACCESS_DENIED) -> None:
        super().__init__(message)

    def wire(self, protocol: Protocol) -> WireError:
        if protocol == "json2":
            return self._render("werkzeug.exceptions.Unauthorized", self.message, 401, 3)
        rendered = self._render(self.name, self.message, self.http_status, self.fault_code)
        # Odoo clears AccessDenied's traceback: debug is the bare exception line.
        return WireError(
            rendered.name,
            rendered.message,
            rendered.arguments,
            rendered.http_status,
            rendered.fault_code,
            rendered.fault_string,
            f"{self.name}: {self.message}\n",
        )


class UnknownModel(OdooError):
    """The model is not in the registry."""

    def __init__(self, model: str) -> None:
        super().__init__(f"Object {model} doesn't exist")
        self.model = model

    def wire(self, protocol: Protocol) -> WireError:
        if protocol == "json2":
            return self._render(
                "werkzeug.exceptions.NotFound", f"the model '{self.model}' does not exist", 404, 2
            )
        return self._render("odoo.exceptions.UserError", self.message, 422, 2)


class UnknownMethod(OdooError):
    """The model has no public method of that name."""

    def __init__(self, model: str, method: str) -> None:
        super().__init__(f"The method '{model}.{method}' does not exist")

    def wire(self, protocol: Protocol) -> WireError:
        if protocol == "json2":
            return self._render("werkzeug.exceptions.NotFound", self.message, 404, 1)
        return self._render("builtins.AttributeError", self.message, 500, 1)


class InvalidField(OdooError):
    """A field name in ``fields``, a domain or values is unknown (builtins.ValueError)."""

    name = "builtins.ValueError"
    http_status = 500
    fault_code = 1


class BadArguments(OdooError):
    """Arguments do not fit the method's signature (builtins.TypeError, 500)."""

    name = "builtins.TypeError"
    http_status = 500
    fault_code = 1


class UnprocessableEntity(OdooError):
    """JSON-2 refused the body: a required argument is missing, or ids given to a model method."""

    name = "werkzeug.exceptions.UnprocessableEntity"
    http_status = 422
    fault_code = 1


class ServerError(OdooError):
    """An unexpected server-side failure, e.g. injected by the fault controls (500)."""

    name = "builtins.RuntimeError"
    http_status = 500
    fault_code = 1


class InvalidDomain(InvalidField):
    """A search domain is malformed: bad arity, unknown operator (builtins.ValueError)."""


class InvalidValue(InvalidField):
    """A value cannot be stored or compared: a bad date, a selection key (builtins.ValueError)."""


class MissingIds(OdooError):
    """A record method was called over execute_kw without its ids (builtins.IndexError, 500)."""

    name = "builtins.IndexError"
    http_status = 500
    fault_code = 1
