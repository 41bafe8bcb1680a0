"""Access tokens: JWTs in the RFC 9068 profile, issued and verified in process.

Verification needs no database round trip: the signature is checked against the key
ring (or the external IdP's cached JWKS), then exp/iat/nbf with a small leeway, iss,
aud and the environment claim. A verified token is cached until it expires, so a client
that reuses its token pays for the ES256 check once, not at every call.

The cache is keyed by the SHA-256 of the token, so no bearer token sits in memory past
its request; an entry is served only before the token's ``exp`` (past it the token is
checked afresh, leeway and all, and refused when too old), it is dropped when the key
ring changes, and the cache holds at most ``_CACHE_LIMIT`` entries (expired ones go
first, then the oldest). Whether the client is still enabled is not cached here: the
authentication middleware asks that of every request, cached token or not.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from healthbridge.security.errors import InvalidToken
from healthbridge.security.external_idp import ExternalJwks
from healthbridge.security.identities import RegisteredClient
from healthbridge.security.keys import ALGORITHM, KeyRing
from healthbridge.security.principal import Principal, PrincipalKind

TOKEN_TYPE = "at+jwt"  # noqa: S105 - the RFC 9068 typ value
USER_KIND_CLAIM = "hb_kind"
"""``client`` or ``user``: who the token speaks for (a user also has ``sub`` != client)."""

_CACHE_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    """What every accepted token must say, and how long issued ones live."""

    issuer: str
    audience: str
    environment: str
    ttl_seconds: int = 300
    leeway_seconds: int = 30


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """The token endpoint's answer, before it becomes JSON."""

    access_token: str
    expires_in: int
    scope: str

    def response(self) -> dict[str, Any]:
        """The RFC 6749 section 5.1 success document."""
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "scope": self.scope,
        }


class TokenIssuer:
    """Signs access tokens for registered clients with the ring's current key."""

    def __init__(self, ring: KeyRing, policy: TokenPolicy) -> None:
        self._ring = ring
        self._policy = policy

    def issue(
        self, client: RegisteredClient, scopes: frozenset[str], *, now: float | None = None
    ) -> IssuedToken:
        """A token for ``client`` carrying ``scopes`` (already checked to be allowed)."""
        key = self._ring.current()
        if key is None:
            raise RuntimeError("the key ring has no current key; the gateway runtime creates one")
        issued_at = int(now if now is not None else time.time())
        scope = " ".join(sorted(scopes))
        claims: dict[str, Any] = {
            "iss": self._policy.issuer,
            "sub": client.client_id,
            "aud": self._policy.audience,
            "exp": issued_at + self._policy.ttl_seconds,
            "iat": issued_at,
            "nbf": issued_at,
            "jti": secrets.token_urlsafe(16),
            "client_id": client.client_id,
            "scope": scope,
            "env": client.environment,
            USER_KIND_CLAIM: "client",
        }
        if client.purpose:
            claims["purpose"] = client.purpose
        header = {"alg": ALGORITHM, "kid": key.kid, "typ": TOKEN_TYPE}
        token = jwt.encode(header, claims, key.private, algorithms=[ALGORITHM])
        return IssuedToken(token, self._policy.ttl_seconds, scope)


class TokenVerifier:
    """Turns a bearer token into a ``Principal`` or raises ``InvalidToken``."""

    def __init__(
        self,
        ring: KeyRing,
        policy: TokenPolicy,
        *,
        refresh_ring: Callable[[], Awaitable[None]] | None = None,
        external: ExternalJwks | None = None,
        external_issuer: str | None = None,
        external_audience: str | None = None,
        external_algorithms: tuple[str, ...] = ("RS256", "ES256"),
        external_environment: str | None = None,
    ) -> None:
        self._ring = ring
        self._policy = policy
        self._refresh_ring = refresh_ring
        self._external = external
        self._external_issuer = external_issuer if external is not None else None
        self._external_audience = external_audience or policy.audience
        self._external_algorithms = list(external_algorithms)
        self._external_environment = external_environment
        self._cache: dict[bytes, tuple[Principal, float]] = {}
        """SHA-256 of a verified token -> (its principal, its exp)."""
        self._cache_generation = ring.generation

    async def verify(self, token: str, *, now: float | None = None) -> Principal:
        """The principal ``token`` proves; ``InvalidToken`` says why it does not."""
        moment = time.time() if now is None else now
        if self._cache_generation != self._ring.generation:
            self._cache.clear()
            self._cache_generation = self._ring.generation
        digest = hashlib.sha256(token.encode()).digest()
        cached = self._cache.get(digest)
        if cached is not None:
            if moment < cached[1]:
                return cached[0]
            del self._cache[digest]
        header, claims = _peek(token)
        if claims.get("iss") == self._policy.issuer:
            principal, expires = await self._verify_local(token, header, moment)
        elif self._external is not None and claims.get("iss") == self._external_issuer:
            principal, expires = await self._verify_external(token, moment)
        else:
            raise InvalidToken("the token was not issued by an issuer this gateway trusts")
        if principal.environment != self._policy.environment:
            raise InvalidToken(
                f"the token belongs to the {principal.environment} environment, "
                f"this gateway serves {self._policy.environment}"
            )
        if moment < expires:
            self._remember(digest, principal, expires, moment)
        return principal

    def _remember(self, digest: bytes, principal: Principal, expires: float, now: float) -> None:
        if len(self._cache) >= _CACHE_LIMIT:
            for key in [k for k, (_, exp) in self._cache.items() if exp <= now]:
                del self._cache[key]
            if len(self._cache) >= _CACHE_LIMIT:
                # Still full of live tokens: drop the oldest tenth at once, so that a
                # stream of new tokens does not pay for this scan at every insert.
                for key in list(self._cache)[: _CACHE_LIMIT // 10 or 1]:
                    del self._cache[key]
        self._cache[digest] = (principal, expires)

    async def _verify_local(
        self, token: str, header: dict[str, Any], now: float
    ) -> tuple[Principal, float]:
        if header.get("typ") != TOKEN_TYPE:
            raise InvalidToken("the token is not an access token (typ at+jwt)")
        kid = str(header.get("kid", ""))
        if not self._ring.knows(kid) and self._refresh_ring is not None:
            await self._refresh_ring()
        keys = self._ring.verification_set(datetime.fromtimestamp(now, UTC))
        claims = _decode(token, keys, [ALGORITHM])
        _validate(claims, self._policy.issuer, self._policy.audience, self._policy, now)
        return _principal(claims, claims.get("env")), float(claims["exp"])

    async def _verify_external(self, token: str, now: float) -> tuple[Principal, float]:
        assert self._external is not None
        try:
            keys = await self._external.key_set()
            try:
                claims = _decode(token, keys, self._external_algorithms)
            except InvalidToken:
                # An unknown kid means the IdP rotated: fetch its JWKS again, once.
                keys = await self._external.key_set(refresh=True)
                claims = _decode(token, keys, self._external_algorithms)
        except OSError:
            raise InvalidToken("the identity provider's keys cannot be fetched now") from None
        _validate(claims, self._external_issuer or "", self._external_audience, self._policy, now)
        environment = claims.get("env", self._external_environment)
        if environment is None:
            raise InvalidToken("the token carries no env claim and the IdP has no environment")
        return _principal(claims, environment), float(claims["exp"])


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims before verification: only to choose how to verify."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("the token is not a compact JWS")
    try:
        header = json.loads(_b64(parts[0]))
        claims = json.loads(_b64(parts[1]))
    except ValueError:
        raise InvalidToken("the token is not a readable JWT") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidToken("the token is not a readable JWT")
    return header, claims


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _decode(token: str, keys: KeySet, algorithms: list[str]) -> dict[str, Any]:
    try:
        return dict(jwt.decode(token, keys, algorithms=algorithms).claims)
    except InvalidKeyIdError:
        raise InvalidToken("the token was signed by a key this gateway does not know") from None
    except (JoseError, ValueError):
        raise InvalidToken("the token signature does not verify") from None


def _validate(
    claims: dict[str, Any], issuer: str, audience: str, policy: TokenPolicy, now: float
) -> None:
    registry = JWTClaimsRegistry(
        now=int(now),
        leeway=policy.leeway_seconds,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        exp={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        claim = getattr(error, "claim", None) or "a claim"
        raise InvalidToken(
            f"the token's {claim} is not acceptable (expired, wrong aud or iss)"
        ) from None


def _principal(claims: dict[str, Any], environment: Any) -> Principal:
    subject = str(claims["sub"])
    client_id = str(claims.get("client_id") or claims.get("azp") or subject)
    raw_scopes = claims.get("scope", claims.get("scp", ""))
    scopes = raw_scopes.split() if isinstance(raw_scopes, str) else [str(s) for s in raw_scopes]
    declared = claims.get(USER_KIND_CLAIM)
    kind: PrincipalKind
    if declared == "client" or (declared != "user" and subject == client_id):
        kind = "client"
    else:
        kind = "user"
    purpose = claims.get("purpose")
    return Principal(
        client_id=client_id,
        kind=kind,
        scopes=frozenset(scopes),
        environment=str(environment),
        purpose=str(purpose) if purpose is not None else None,
        user=subject if kind == "user" else None,
        token_id=str(claims["jti"]) if "jti" in claims else None,
        issuer=str(claims.get("iss")),
    )
