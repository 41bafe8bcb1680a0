"""Errors the wire layer itself raises, shaped like the ones a real Odoo server sends.

The ORM raises ``OdooError`` subclasses that already know how each protocol shows them.
The wire layer adds the failures that happen around the ORM: werkzeug HTTP errors of
JSON-2 (401, 404, 400), an unknown database (psycopg2's error, which leaks host and port
on a real server), and any other Python exception, which Odoo shows by its qualified
class name with a traceback (XML-RPC fault 1, JSON-2 500).
"""

from __future__ import annotations

from healthbridge.sandbox.odoo.exceptions import OdooError, Protocol, WireError

# The host and port a default Odoo install reports in psycopg2's connection error.
DB_HOST = "127.0.0.1"
DB_PORT = 5432


class NamedError(OdooError):
    """An error Odoo shows under a class name that is not one of the ORM's exceptions."""

    def __init__(
        self, error_name: str, message: str, *, http_status: int = 500, fault_code: int = 1
    ) -> None:
        super().__init__(message)
        self.error_name = error_name
        self.status = http_status
        self.fault = fault_code

    def wire(self, protocol: Protocol) -> WireError:
        """The same rendering on every protocol: the name, the message, a traceback."""
        del protocol
        return self._render(self.error_name, self.message, self.status, self.fault)


def werkzeug_error(status: int, message: str) -> NamedError:
    """A werkzeug HTTPException as JSON-2 serialises it (arguments are [message, status])."""
    names = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound", 422: "UnprocessableEntity"}
    return NamedError(f"werkzeug.exceptions.{names[status]}", message, http_status=status)


def database_missing(name: object) -> NamedError:
    """What JSON-RPC and XML-RPC answer when ``args[0]`` names a database that does not exist."""
    return NamedError(
        "psycopg2.OperationalError",
        f'connection to server at "{DB_HOST}", port {DB_PORT} failed: '
        f'FATAL:  database "{name}" does not exist\n',
    )


def as_odoo_error(exc: Exception) -> OdooError:
    """Any exception as Odoo shows it: ORM errors as they are, others by qualified class name."""
    if isinstance(exc, OdooError):
        return exc
    cls = type(exc)
    return NamedError(f"{cls.__module__}.{cls.__qualname__}", str(exc))
