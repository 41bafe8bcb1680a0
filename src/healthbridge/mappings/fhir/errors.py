"""The one error FHIR mappings raise: the input is not something canonical can hold."""

from __future__ import annotations

from healthbridge.core.errors import HealthbridgeError


class MappingError(HealthbridgeError):
    """A FHIR resource (or canonical object) cannot be mapped; ``path`` names where.

    The message is ``"<FHIR path>: <reason>"``, e.g. ``"Patient.name[0].given[1]: must be
    a non-empty string"``. It never quotes a value from the input: values are patient
    data, and this message travels into logs, ACKs and OperationOutcomes.
    """

    code = "mapping.invalid_input"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}", details={"path": path, "reason": reason})
        self.path = path
        self.reason = reason
