"""Errors of the workflows area, each with a stable code."""

from __future__ import annotations

from healthbridge.core.errors import ConflictError, HealthbridgeError, NotFoundError


class WorkflowRuntimeError(HealthbridgeError):
    """The workflow runtime is not running, or was started twice in one process."""

    code = "workflows.runtime"


class WorkflowNotFoundError(NotFoundError):
    """No workflow run has this id."""

    code = "workflows.not_found"


class WorkflowStateError(ConflictError):
    """The run is in a state that does not allow the operation (e.g. resume a finished run)."""

    code = "workflows.state"
