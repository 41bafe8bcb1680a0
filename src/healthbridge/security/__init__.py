"""Identities, tokens, scopes, field encryption, the hash-chained audit, projection."""

from healthbridge.security.principal import Principal, PrincipalKind

__all__ = ["Principal", "PrincipalKind"]
