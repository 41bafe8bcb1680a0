"""Invoice to payer: a FHIR Claim under OAuth 2.0 client credentials, payment or a task."""

from healthbridge.workflows.payer_claim.model import ClaimOutcome, InvoiceToPayer
from healthbridge.workflows.payer_claim.oauth import ClientCredentials, TokenUnavailableError
from healthbridge.workflows.payer_claim.payer_client import PayerHttp, PayerUnavailableError
from healthbridge.workflows.payer_claim.workflow import invoice_to_payer, start_invoice_to_payer

__all__ = [
    "ClaimOutcome",
    "ClientCredentials",
    "InvoiceToPayer",
    "PayerHttp",
    "PayerUnavailableError",
    "TokenUnavailableError",
    "invoice_to_payer",
    "start_invoice_to_payer",
]
