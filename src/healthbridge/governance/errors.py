"""Errors raised while generating, reading and checking contracts.

Messages name contracts, versions and files only: contracts hold schema fragments, never
data, so nothing here can carry PHI.
"""

from __future__ import annotations

from healthbridge.core.errors import HealthbridgeError


class GovernanceError(HealthbridgeError):
    """Base class of the governance package's errors."""

    code = "governance.error"


class ContractFileError(GovernanceError):
    """A contract file is missing, is not JSON, or is not a Healthbridge contract document."""

    code = "contract.unreadable"


class ContractNameError(GovernanceError):
    """A contract name or version cannot be used in a URN or a file name."""

    code = "contract.invalid_name"


class ContractChangedError(GovernanceError):
    """A model no longer generates its committed contract, and its version was not bumped.

    ``details["contracts"]`` lists the ``name:version`` pairs; the fix is to bump the
    version and regenerate, never to overwrite a published contract.
    """

    code = "contract.changed_without_version_bump"
