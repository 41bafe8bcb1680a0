"""The one error Odoo mappings raise: a row (or object) cannot be mapped, and where."""

from __future__ import annotations

from healthbridge.core.errors import HealthbridgeError


class OdooMappingError(HealthbridgeError):
    """An Odoo row or canonical object cannot be mapped; ``model`` and ``field`` say where.

    The message is ``"<odoo model>.<field>: <reason>"``, e.g. ``"res.partner.email: must be
    text or false"``. It never quotes a value: rows hold personal data and this message
    ends up in logs and error responses.
    """

    code = "mapping.odoo_invalid"

    def __init__(self, model: str, field: str, reason: str) -> None:
        super().__init__(
            f"{model}.{field}: {reason}",
            details={"model": model, "field": field, "reason": reason},
        )
        self.model = model
        self.field = field
        self.reason = reason
