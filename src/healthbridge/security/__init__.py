"""Identities, tokens, scopes, field encryption, the hash-chained audit, projection."""

from healthbridge.security.audit_chain import AuditRecord, ChainBreak, chain_hash
from healthbridge.security.errors import InvalidClient, InvalidScope, InvalidToken
from healthbridge.security.external_idp import ExternalJwks
from healthbridge.security.identities import RegisteredClient
from healthbridge.security.keys import KeyRing, SigningKey
from healthbridge.security.principal import Principal, PrincipalKind
from healthbridge.security.quotas import QuotaDecision, Quotas
from healthbridge.security.sealing import KeySealer
from healthbridge.security.tokens import IssuedToken, TokenIssuer, TokenPolicy, TokenVerifier

__all__ = [
    "AuditRecord",
    "ChainBreak",
    "ExternalJwks",
    "InvalidClient",
    "InvalidScope",
    "InvalidToken",
    "IssuedToken",
    "KeyRing",
    "KeySealer",
    "Principal",
    "PrincipalKind",
    "QuotaDecision",
    "Quotas",
    "RegisteredClient",
    "SigningKey",
    "TokenIssuer",
    "TokenPolicy",
    "TokenVerifier",
    "chain_hash",
]
