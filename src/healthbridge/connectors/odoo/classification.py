"""Odoo's exception names, fault codes and statuses, turned into the connector's errors.

One table for the three protocols: JSON-RPC's ``data.name`` and JSON-2's body ``name``
carry the same fully-qualified exception class; XML-RPC carries only a fault code and a
string, from which the class is read back (code 1 is a traceback whose last line names
it). The wording matched here is the one seen on Odoo 19.0, plus the 17/18 wording from
Odoo's source where it differs (odoo-wire-facts.md, section 6 and appendix A0).
"""

from __future__ import annotations

import re

from healthbridge.connectors.odoo.errors import (
    CallSite,
    OdooAccessDenied,
    OdooAuthenticationError,
    OdooError,
    OdooMissingRecord,
    OdooServerError,
    OdooTransportError,
    OdooUnknownField,
    OdooUnknownMethod,
    OdooUnknownModel,
    OdooUserError,
    OdooValidationError,
)

_UNKNOWN_MODEL = re.compile(r"^Object (\S+) doesn't exist|^the model '([^']+)' does not exist")
_UNKNOWN_METHOD = re.compile(r"^The method '([^']+)' does not exist")
_UNKNOWN_FIELD = re.compile(r"^Invalid field (?:'([^']+)'|([\w.]+) in )")
_MISSING = "Record does not exist or has been deleted"
_NOT_FOUND = "werkzeug.exceptions.NotFound"
_AUTHENTICATION_NAMES = frozenset(
    {
        "odoo.exceptions.AccessDenied",
        "odoo.http.SessionExpiredException",
        "werkzeug.exceptions.Unauthorized",
    }
)
_USER_ERROR_NAMES = frozenset({"odoo.exceptions.UserError", "odoo.exceptions.RedirectWarning"})
_PRIVATE = "Private methods"

# Python exceptions that mean the call's arguments were wrong: a retry would fail again.
_CALLER_MISTAKE_NAMES = frozenset(
    {
        "builtins.AttributeError",
        "builtins.IndexError",
        "builtins.KeyError",
        "builtins.TypeError",
        "builtins.ValueError",
    }
)


def last_traceback_line(text: str) -> str:
    """The line of a Python traceback that names the exception and its message."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    # A multi-line message follows the "Name: ..." line; find the first line after the
    # last stack frame instead of trusting the very last line.
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].startswith(("  ", "Traceback (most recent call last)")):
            following = lines[index + 1 :]
            return "\n".join(following) if following else lines[-1]
    return "\n".join(lines)


def split_exception_line(line: str) -> tuple[str | None, str]:
    """``"ValueError: text"`` -> ``("builtins.ValueError", "text")``.

    Python prints builtin exceptions unqualified, and Odoo's JSON names them ``builtins.X``.
    """
    head, sep, rest = line.partition(": ")
    if not sep or " " in head or not head:
        return None, line
    name = head if "." in head else f"builtins.{head}"
    return name, rest


def classify(
    site: CallSite,
    name: str | None,
    message: str,
    *,
    http_status: int | None = None,
    fault_code: int | None = None,
) -> OdooError:
    """The connector error for Odoo exception ``name`` with ``message``.

    ``name`` is None when the protocol did not send one (XML-RPC fault 2); the message
    then decides between missing record, unknown model and business error.
    """
    kind, text, extra, transient = _kind(site, name, message, fault_code)
    return kind(
        text,
        site=site,
        odoo_message=message,
        odoo_name=name,
        http_status=http_status,
        fault_code=fault_code,
        transient=transient,
        extra=extra,
    )


_Kind = tuple[type[OdooError], str, dict[str, str] | None, bool | None]


def _kind(site: CallSite, name: str | None, message: str, fault_code: int | None) -> _Kind:
    if name in _AUTHENTICATION_NAMES:
        return (
            OdooAuthenticationError,
            f"Odoo refused the credentials for {site}: check the API key (odoo.api_key) and "
            "the login (odoo.login), that the key has not expired, and the database "
            "(odoo.database)",
            None,
            None,
        )
    if name == "odoo.exceptions.AccessError":
        if message.startswith(_PRIVATE):
            text = (
                f"{site.model}.{site.method} is private and cannot be called remotely: "
                "call a public method"
            )
        else:
            text = (
                f"the Odoo user may not do {site}: grant the integration user the access "
                "rights it needs (odoo_message names the groups)"
            )
        return OdooAccessDenied, text, None, None
    if name == "odoo.exceptions.MissingError" or message.startswith(_MISSING):
        return (
            OdooMissingRecord,
            f"a record given to {site} does not exist or was deleted: "
            "re-read the ids before acting on them",
            None,
            None,
        )
    unknown = _unknown(site, name, message)
    if unknown is not None:
        return unknown
    if name == "odoo.exceptions.ValidationError":
        return (
            OdooValidationError,
            f"Odoo refused {site}: a constraint failed and nothing was written; "
            "correct the values (Odoo's reason is in odoo_message)",
            None,
            None,
        )
    if name in _USER_ERROR_NAMES or (name is None and fault_code == 2):
        return (
            OdooUserError,
            f"Odoo refused {site}: a business rule failed and nothing was written; "
            "correct the request (Odoo's reason is in odoo_message)",
            None,
            None,
        )
    if name == "werkzeug.exceptions.UnprocessableEntity":
        return (
            OdooValidationError,
            f"Odoo refused the arguments of {site}: check the parameter names, "
            "and that ids are given only to record methods",
            None,
            None,
        )
    if name == "werkzeug.exceptions.BadRequest":
        return (
            OdooTransportError,
            f"Odoo could not parse the request body of {site}: this is a connector bug, "
            "please report it",
            None,
            False,
        )
    # A server error is Odoo's ill health (retried, counted by the breaker) unless Odoo
    # names an exception that means the arguments were wrong: repeating those is futile.
    transient = name not in _CALLER_MISTAKE_NAMES
    short = (name or "").rsplit(".", 1)[-1] or "an unexpected error"
    advice = (
        "reads are retried; see the Odoo server log if it persists"
        if transient
        else "the arguments do not fit the method; see the Odoo server log for the traceback"
    )
    return OdooServerError, f"Odoo failed on {site} with {short}: {advice}", None, transient


def _unknown(site: CallSite, name: str | None, message: str) -> _Kind | None:
    model_match = _UNKNOWN_MODEL.match(message)
    if model_match and name in {None, "odoo.exceptions.UserError", _NOT_FOUND}:
        model = model_match.group(1) or model_match.group(2)
        return (
            OdooUnknownModel,
            f"Odoo has no model {model!r} ({site}): check the name and that the module "
            "providing it is installed",
            {"unknown_model": model},
            None,
        )
    method_match = _UNKNOWN_METHOD.match(message)
    if method_match and name in {"builtins.AttributeError", _NOT_FOUND}:
        method = method_match.group(1).removeprefix(f"{site.model}.")
        return (
            OdooUnknownMethod,
            f"{site.model} has no method {method!r} ({site}): check the method name "
            "and that the module providing it is installed",
            {"unknown_method": method},
            None,
        )
    field_match = _UNKNOWN_FIELD.match(message)
    if field_match and name == "builtins.ValueError":
        field = field_match.group(1) or field_match.group(2).removeprefix(f"{site.model}.")
        return (
            OdooUnknownField,
            f"{site.model} has no field {field!r} ({site}): check the field names "
            "against fields_get",
            {"unknown_field": field},
            None,
        )
    if name == _NOT_FOUND:
        return (
            OdooTransportError,
            f"Odoo has no endpoint for {site}: check odoo.url (no path after the host) "
            "and, for JSON-2, that the server runs Odoo 19 or later",
            None,
            False,
        )
    return None


def from_fault(site: CallSite, fault_code: object, fault_string: str) -> OdooError:
    """The error for an XML-RPC fault (codes 1-4 of ``/xmlrpc/2``)."""
    if fault_code == 3:
        return classify(site, "odoo.exceptions.AccessDenied", fault_string, fault_code=3)
    if fault_code == 4:
        return classify(site, "odoo.exceptions.AccessError", fault_string, fault_code=4)
    if fault_code == 2:
        return classify(site, None, fault_string, fault_code=2)
    # Code 1 (and the legacy string codes): the string is a traceback; its last line names
    # the exception. Keep only that line: the rest holds server paths and local values.
    name, message = split_exception_line(last_traceback_line(fault_string))
    code = fault_code if isinstance(fault_code, int) else None
    return classify(site, name, message, fault_code=code)


def from_http_status(site: CallSite, status: int, content_type: str) -> OdooError:
    """The error for an HTTP answer that carries no Odoo error body (an HTML page, text).

    Odoo itself sends HTML for 415 (wrong Content-Type) and for 404 when the
    ``X-Odoo-Database`` header names no database; proxies send HTML 502/503/504.
    """
    shown = content_type or "no content type"
    if status == 401:
        return classify(site, "werkzeug.exceptions.Unauthorized", f"HTTP 401 ({shown})")
    if status == 403:
        return classify(site, "odoo.exceptions.AccessError", f"HTTP 403 ({shown})")
    if status >= 500:
        return OdooServerError(
            f"Odoo or a proxy in front of it answered HTTP {status} ({shown}) to {site}: "
            "the server is unavailable or failing; reads are retried",
            site=site,
            http_status=status,
            transient=True,
        )
    if status == 415:
        hint = "Odoo refused the request's Content-Type; a proxy may be rewriting headers"
    elif status == 404 and site.protocol == "json2":
        hint = (
            "check odoo.url, and odoo.database: Odoo answers a 404 page when the "
            "X-Odoo-Database header names a database it does not have"
        )
    elif status == 404:
        hint = (
            f"this server has no {site.protocol} endpoint: check odoo.url (the Odoo root), "
            "or set odoo.protocol to auto to use the API the server offers"
        )
    else:
        hint = "the answer is not one Odoo's external API sends; check odoo.url"
    return OdooTransportError(
        f"Odoo answered {site} with HTTP {status} and a {shown} page instead of JSON: {hint}",
        site=site,
        http_status=status,
        transient=False,
    )


def undecodable(site: CallSite, what: str) -> OdooError:
    """The error for a 200 answer whose body cannot be read (truncated, not JSON or XML)."""
    return OdooTransportError(
        f"Odoo's answer to {site} could not be decoded ({what}): a proxy may have altered it; "
        "reads are retried",
        site=site,
        transient=True,
    )
