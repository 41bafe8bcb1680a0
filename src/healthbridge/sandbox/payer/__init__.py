"""The payer sandbox: FHIR Claim -> ClaimResponse behind OAuth 2.0 client credentials."""

from healthbridge.sandbox.payer.server import (
    PayerState,
    RunningPayer,
    create_payer_app,
    start_payer,
)

__all__ = ["PayerState", "RunningPayer", "create_payer_app", "start_payer"]
