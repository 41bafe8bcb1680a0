"""Error answers exactly as odoo-wire-facts.md records them, with the error each must become.

Bodies given in full in the facts are copied verbatim; table rows (name, status,
message) are laid out in Odoo's own shape by the helpers in ``scripted_odoo``. Only
``debug`` tracebacks are cut, as the facts cut them.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthbridge.connectors.odoo import (
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
from tests.unit.connectors.scripted_odoo import (
    HTML,
    Reply,
    html_page,
    json2_error,
    jsonrpc_error,
    traceback_text,
    xmlrpc_fault,
)

ACCESS_TEXT = (
    "You are not allowed to access 'System Parameter' (ir.config_parameter) records.\n\n"
    "This operation is allowed for the following groups:\n\t- Role / Administrator\n\n"
    "Contact your administrator to request access if necessary."
)
MODIFY_TEXT = (
    "You are not allowed to modify 'Companies' (res.company) records.\n\n"
    "This operation is allowed for the following groups:\n\t- Access Rights\n\n"
    "Contact your administrator to request access if necessary."
)
MISSING_TEXT = "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)"
NO_NAME_TEXT = "The operation cannot be completed: Contacts require a name"
PRIVATE_TEXT = (
    "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely."
)


@dataclass(frozen=True)
class ErrorRow:
    """One observed error answer and what the connector must turn it into."""

    case: str
    model: str
    method: str
    reply: Reply
    error: type[OdooError]
    odoo_name: str | None
    odoo_message: str | None
    """None when the answer carries no Odoo text (an HTML page)."""
    transient: bool = False


JSON2_ROWS = (
    ErrorRow(
        "bad API key",
        "res.partner",
        "search_read",
        json2_error("werkzeug.exceptions.Unauthorized", "Invalid apikey", status=401),
        OdooAuthenticationError,
        "werkzeug.exceptions.Unauthorized",
        "Invalid apikey",
    ),
    ErrorRow(
        "no Authorization header",
        "res.partner",
        "search_read",
        json2_error(
            "werkzeug.exceptions.Unauthorized",
            "User not authenticated, use an API Key with a Bearer Authorization header.",
            status=401,
        ),
        OdooAuthenticationError,
        "werkzeug.exceptions.Unauthorized",
        "User not authenticated, use an API Key with a Bearer Authorization header.",
    ),
    ErrorRow(
        "access error on read",
        "ir.config_parameter",
        "search_read",
        json2_error("odoo.exceptions.AccessError", ACCESS_TEXT, status=403),
        OdooAccessDenied,
        "odoo.exceptions.AccessError",
        ACCESS_TEXT,
    ),
    ErrorRow(
        "access error on write",
        "res.company",
        "write",
        json2_error("odoo.exceptions.AccessError", MODIFY_TEXT, status=403),
        OdooAccessDenied,
        "odoo.exceptions.AccessError",
        MODIFY_TEXT,
    ),
    ErrorRow(
        "private method",
        "res.partner",
        "_compute_display_name",
        json2_error("odoo.exceptions.AccessError", PRIVATE_TEXT, status=403),
        OdooAccessDenied,
        "odoo.exceptions.AccessError",
        PRIVATE_TEXT,
    ),
    ErrorRow(
        "unknown model",
        "no.such.model",
        "search_read",
        json2_error(
            "werkzeug.exceptions.NotFound", "the model 'no.such.model' does not exist", status=404
        ),
        OdooUnknownModel,
        "werkzeug.exceptions.NotFound",
        "the model 'no.such.model' does not exist",
    ),
    ErrorRow(
        "unknown method",
        "res.partner",
        "no_such_method",
        json2_error(
            "werkzeug.exceptions.NotFound",
            "The method 'res.partner.no_such_method' does not exist",
            status=404,
        ),
        OdooUnknownMethod,
        "werkzeug.exceptions.NotFound",
        "The method 'res.partner.no_such_method' does not exist",
    ),
    ErrorRow(
        "write on a missing id",
        "res.partner",
        "write",
        json2_error("odoo.exceptions.MissingError", MISSING_TEXT, status=404),
        OdooMissingRecord,
        "odoo.exceptions.MissingError",
        MISSING_TEXT,
    ),
    ErrorRow(
        "no such JSON-2 route",
        "res.partner",
        "search_read",
        json2_error(
            "werkzeug.exceptions.NotFound",
            "Did you mean POST /json/2/<model>/<method>?",
            status=404,
        ),
        OdooTransportError,
        "werkzeug.exceptions.NotFound",
        "Did you mean POST /json/2/<model>/<method>?",
    ),
    ErrorRow(
        "validation: partner without a name",
        "res.partner",
        "create",
        json2_error("odoo.exceptions.ValidationError", NO_NAME_TEXT, status=422),
        OdooValidationError,
        "odoo.exceptions.ValidationError",
        NO_NAME_TEXT,
    ),
    ErrorRow(
        "validation: recursive parent",
        "res.partner",
        "write",
        json2_error(
            "odoo.exceptions.ValidationError",
            "You cannot create recursive Partner hierarchies.",
            status=422,
        ),
        OdooValidationError,
        "odoo.exceptions.ValidationError",
        "You cannot create recursive Partner hierarchies.",
    ),
    ErrorRow(
        "user error: language not installed",
        "res.partner",
        "search_read",
        json2_error("odoo.exceptions.UserError", "Invalid language code: fr_FR", status=422),
        OdooUserError,
        "odoo.exceptions.UserError",
        "Invalid language code: fr_FR",
    ),
    ErrorRow(
        "ids given to a model method",
        "res.partner",
        "create",
        json2_error(
            "werkzeug.exceptions.UnprocessableEntity",
            "cannot call res.partner.create with ids",
            status=422,
        ),
        OdooValidationError,
        "werkzeug.exceptions.UnprocessableEntity",
        "cannot call res.partner.create with ids",
    ),
    ErrorRow(
        "required argument missing",
        "res.partner",
        "search_count",
        json2_error(
            "werkzeug.exceptions.UnprocessableEntity",
            "missing a required argument: 'domain'",
            status=422,
        ),
        OdooValidationError,
        "werkzeug.exceptions.UnprocessableEntity",
        "missing a required argument: 'domain'",
    ),
    ErrorRow(
        "unknown argument name",
        "res.partner",
        "search_read",
        json2_error(
            "builtins.TypeError",
            "BaseModel._read_format() got an unexpected keyword argument 'nope_param'",
            status=500,
        ),
        OdooServerError,
        "builtins.TypeError",
        "BaseModel._read_format() got an unexpected keyword argument 'nope_param'",
    ),
    ErrorRow(
        "unknown field in fields",
        "res.partner",
        "search_read",
        json2_error(
            "builtins.ValueError", "Invalid field 'nope_field' on 'res.partner'", status=500
        ),
        OdooUnknownField,
        "builtins.ValueError",
        "Invalid field 'nope_field' on 'res.partner'",
    ),
    ErrorRow(
        "unknown field in domain",
        "res.partner",
        "search_read",
        json2_error(
            "builtins.ValueError",
            "Invalid field res.partner.nope_field in condition ('nope_field', '=', 1)",
            status=500,
        ),
        OdooUnknownField,
        "builtins.ValueError",
        "Invalid field res.partner.nope_field in condition ('nope_field', '=', 1)",
    ),
    ErrorRow(
        "malformed JSON body",
        "res.partner",
        "search_read",
        json2_error(
            "werkzeug.exceptions.BadRequest",
            "could not parse the body as json: Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)",
            status=400,
        ),
        OdooTransportError,
        "werkzeug.exceptions.BadRequest",
        "could not parse the body as json: Expecting property name enclosed in double "
        "quotes: line 1 column 2 (char 1)",
    ),
    ErrorRow(
        "Content-Type not JSON (HTML 415)",
        "res.partner",
        "search_read",
        html_page(
            415,
            "Unsupported Media Type",
            "Request inferred type is compatible with [&#39;http&#39;] but "
            "&#39;/json/2/&lt;__model__&gt;/&lt;__method__&gt;&#39; is type=&#39;json2&#39;.",
        ),
        OdooTransportError,
        None,
        None,
    ),
    ErrorRow(
        "unknown database (HTML 404)",
        "res.partner",
        "search_read",
        Reply.text(
            "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
            "<p>No database is selected and the requested URL was not found in the "
            "server-wide controllers.</p>\n"
            "<!-- Alternatively, use the X-Odoo-Database header. -->\n",
            status=404,
            content_type=HTML,
        ),
        OdooTransportError,
        None,
        None,
    ),
    ErrorRow(
        "a proxy's 502 page",
        "res.partner",
        "search_read",
        html_page(502, "Bad Gateway", "The proxy server received an invalid response."),
        OdooServerError,
        None,
        None,
        transient=True,
    ),
)

# JSON-RPC: (i)-(iv) verbatim from section 2, then the "other error cases" table.
JSONRPC_ROWS = (
    ErrorRow(
        "wrong password in execute_kw",
        "res.partner",
        "search_read",
        Reply.text(
            '{"jsonrpc": "2.0", "id": 8, "error": {"code": 0, "message": "Odoo Server Error", '
            '"data": {"name": "odoo.exceptions.AccessDenied", "message": "Access Denied", '
            '"arguments": ["Access Denied"], "context": {}, '
            '"debug": "odoo.exceptions.AccessDenied: Access Denied\\n"}}}'
        ),
        OdooAuthenticationError,
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    ),
    ErrorRow(
        "unknown field",
        "res.partner",
        "search_read",
        Reply.text(
            '{"jsonrpc": "2.0", "id": 9, "error": {"code": 0, "message": "Odoo Server Error", '
            '"data": {"name": "builtins.ValueError", "message": "Invalid field \'nope_field\' on '
            "'res.partner'\", \"arguments\": [\"Invalid field 'nope_field' on 'res.partner'\"], "
            '"context": {}, "debug": "..."}}}'
        ),
        OdooUnknownField,
        "builtins.ValueError",
        "Invalid field 'nope_field' on 'res.partner'",
    ),
    ErrorRow(
        "unknown field in the domain",
        "res.partner",
        "search_read",
        jsonrpc_error(
            "builtins.ValueError",
            "Invalid field res.partner.nope_field in condition ('nope_field', '=', 1)",
        ),
        OdooUnknownField,
        "builtins.ValueError",
        "Invalid field res.partner.nope_field in condition ('nope_field', '=', 1)",
    ),
    ErrorRow(
        "access error",
        "ir.config_parameter",
        "search_read",
        Reply.text(
            '{"jsonrpc": "2.0", "id": 10, "error": {"code": 0, "message": "Odoo Server Error", '
            '"data": {"name": "odoo.exceptions.AccessError", "message": "You are not allowed to '
            "access 'System Parameter' (ir.config_parameter) records.\\n\\nThis operation is "
            "allowed for the following groups:\\n\\t- Role / Administrator\\n\\nContact your "
            'administrator to request access if necessary.", "arguments": ["You are not allowed '
            "to access 'System Parameter' (ir.config_parameter) records.\\n\\nThis operation is "
            "allowed for the following groups:\\n\\t- Role / Administrator\\n\\nContact your "
            'administrator to request access if necessary."], "context": {}, "debug": "..."}}}'
        ),
        OdooAccessDenied,
        "odoo.exceptions.AccessError",
        ACCESS_TEXT,
    ),
    ErrorRow(
        "access error on write",
        "res.company",
        "write",
        jsonrpc_error("odoo.exceptions.AccessError", MODIFY_TEXT),
        OdooAccessDenied,
        "odoo.exceptions.AccessError",
        MODIFY_TEXT,
    ),
    ErrorRow(
        "validation error",
        "res.partner",
        "create",
        Reply.text(
            '{"jsonrpc": "2.0", "id": 11, "error": {"code": 0, "message": "Odoo Server Error", '
            '"data": {"name": "odoo.exceptions.ValidationError", "message": "The operation cannot '
            'be completed: Contacts require a name", "arguments": ["The operation cannot be '
            'completed: Contacts require a name"], "context": {}, "debug": "..."}}}'
        ),
        OdooValidationError,
        "odoo.exceptions.ValidationError",
        NO_NAME_TEXT,
    ),
    ErrorRow(
        "validation error from @api.constrains",
        "res.partner",
        "write",
        jsonrpc_error(
            "odoo.exceptions.ValidationError", "You cannot create recursive Partner hierarchies."
        ),
        OdooValidationError,
        "odoo.exceptions.ValidationError",
        "You cannot create recursive Partner hierarchies.",
    ),
    ErrorRow(
        "write on a missing id",
        "res.partner",
        "write",
        jsonrpc_error("odoo.exceptions.MissingError", MISSING_TEXT),
        OdooMissingRecord,
        "odoo.exceptions.MissingError",
        MISSING_TEXT,
    ),
    ErrorRow(
        "unknown model",
        "no.such.model",
        "search_read",
        jsonrpc_error("odoo.exceptions.UserError", "Object no.such.model doesn't exist"),
        OdooUnknownModel,
        "odoo.exceptions.UserError",
        "Object no.such.model doesn't exist",
    ),
    ErrorRow(
        "unknown method",
        "res.partner",
        "no_such_method",
        jsonrpc_error(
            "builtins.AttributeError", "The method 'res.partner.no_such_method' does not exist"
        ),
        OdooUnknownMethod,
        "builtins.AttributeError",
        "The method 'res.partner.no_such_method' does not exist",
    ),
    ErrorRow(
        "unknown method, Odoo 17 wording and error.code 200",
        "res.partner",
        "foo",
        jsonrpc_error(
            "builtins.AttributeError",
            "The method 'foo' does not exist on the model 'res.partner'",
            code=200,
        ),
        OdooUnknownMethod,
        "builtins.AttributeError",
        "The method 'foo' does not exist on the model 'res.partner'",
    ),
    ErrorRow(
        "private method",
        "res.partner",
        "_compute_display_name",
        jsonrpc_error("odoo.exceptions.AccessError", PRIVATE_TEXT),
        OdooAccessDenied,
        "odoo.exceptions.AccessError",
        PRIVATE_TEXT,
    ),
    ErrorRow(
        "unknown database name",
        "res.partner",
        "search_read",
        jsonrpc_error(
            "psycopg2.OperationalError",
            'connection to server at "<db host>", port 5432 failed: FATAL:  database '
            '"no_such_db" does not exist\n',
        ),
        OdooServerError,
        "psycopg2.OperationalError",
        'connection to server at "<db host>", port 5432 failed: FATAL:  database '
        '"no_such_db" does not exist\n',
        transient=True,
    ),
    ErrorRow(
        "session expired (error.code 100)",
        "res.partner",
        "search_read",
        jsonrpc_error("odoo.http.SessionExpiredException", "Session expired", code=100),
        OdooAuthenticationError,
        "odoo.http.SessionExpiredException",
        "Session expired",
    ),
    ErrorRow(
        "route not found (error.code 404)",
        "res.partner",
        "search_read",
        jsonrpc_error("werkzeug.exceptions.NotFound", "404: Not Found", code=404),
        OdooTransportError,
        "werkzeug.exceptions.NotFound",
        "404: Not Found",
    ),
    ErrorRow(
        "body is not JSON (plain-text 400)",
        "res.partner",
        "search_read",
        Reply.text("Invalid JSON data", status=400, content_type=HTML),
        OdooTransportError,
        None,
        None,
    ),
    ErrorRow(
        "wrong Content-Type (HTML 415)",
        "res.partner",
        "search_read",
        Reply(
            html_page(
                415,
                "Unsupported Media Type",
                "Request inferred type is compatible with [&#39;http&#39;] but "
                "&#39;/jsonrpc&#39; is type=&#39;jsonrpc&#39;.",
            ).body,
            415,
            HTML,
            (("Accept", "application/json, application/json-rpc"),),
        ),
        OdooTransportError,
        None,
        None,
    ),
)

XMLRPC_ROWS = (
    ErrorRow(
        "wrong password in execute_kw",
        "res.partner",
        "search_read",
        Reply.text(
            '<?xml version="1.0"?>\n<methodResponse>\n<fault>\n<value><struct>\n'
            "<member><name>faultCode</name><value><int>3</int></value></member>\n"
            "<member><name>faultString</name><value><string>Access Denied</string></value>"
            "</member>\n</struct></value>\n</fault>\n</methodResponse>\n",
            content_type="text/xml; charset=utf-8",
        ),
        OdooAuthenticationError,
        "odoo.exceptions.AccessDenied",
        "Access Denied",
    ),
    ErrorRow(
        "access error",
        "ir.config_parameter",
        "search_read",
        xmlrpc_fault(4, ACCESS_TEXT),
        OdooAccessDenied,
        "odoo.exceptions.AccessError",
        ACCESS_TEXT,
    ),
    ErrorRow(
        "private method",
        "res.partner",
        "check_access",
        xmlrpc_fault(
            4, "Private methods (such as 'res.partner.check_access') cannot be called remotely."
        ),
        OdooAccessDenied,
        "odoo.exceptions.AccessError",
        "Private methods (such as 'res.partner.check_access') cannot be called remotely.",
    ),
    ErrorRow(
        "validation",
        "res.partner",
        "create",
        xmlrpc_fault(2, NO_NAME_TEXT),
        OdooUserError,
        None,
        NO_NAME_TEXT,
    ),
    ErrorRow(
        "missing record",
        "res.partner",
        "write",
        xmlrpc_fault(2, MISSING_TEXT),
        OdooMissingRecord,
        None,
        MISSING_TEXT,
    ),
    ErrorRow(
        "unknown model",
        "no.such.model",
        "search_read",
        xmlrpc_fault(2, "Object no.such.model doesn't exist"),
        OdooUnknownModel,
        None,
        "Object no.such.model doesn't exist",
    ),
    ErrorRow(
        "unknown field (traceback)",
        "res.partner",
        "search_read",
        xmlrpc_fault(1, traceback_text("ValueError: Invalid field 'nope_field' on 'res.partner'")),
        OdooUnknownField,
        "builtins.ValueError",
        "Invalid field 'nope_field' on 'res.partner'",
    ),
    ErrorRow(
        "unknown method (traceback)",
        "res.partner",
        "no_such_method",
        xmlrpc_fault(
            1,
            traceback_text(
                "AttributeError: The method 'res.partner.no_such_method' does not exist"
            ),
        ),
        OdooUnknownMethod,
        "builtins.AttributeError",
        "The method 'res.partner.no_such_method' does not exist",
    ),
    ErrorRow(
        "unexpected server error (traceback)",
        "res.partner",
        "search_read",
        xmlrpc_fault(1, traceback_text("RuntimeError: the sandbox injected a server error")),
        OdooServerError,
        "builtins.RuntimeError",
        "the sandbox injected a server error",
        transient=True,
    ),
)
