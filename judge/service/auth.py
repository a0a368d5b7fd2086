"""Bearer tokens (only their SHA-256 is stored), their scopes and expiry, and per-token rate limits.

A token holds scopes: ``submit`` (queue and judge submissions), ``upload`` (add, replace and delete its
own problems), ``admin`` (everything, including others' problems and submissions).

Tokens are 256 random bits, so a plain SHA-256 is enough to make a leaked table useless: there is no
password to brute-force. Rate limits are token buckets held by the API process: a token may burst up
to its per-minute allowance, then is refilled continuously.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy import Engine, or_, select, update

from judge.service.db import tokens
from judge.service.errors import ServiceError

PREFIX = "cpelo_"
Scope = Literal["submit", "upload", "admin"]
SCOPES: tuple[str, ...] = get_args(Scope)
DEFAULT_SCOPES = ("submit", "upload")


class TokenError(ServiceError):
    """A token operation named an unknown scope or token."""


@dataclass(frozen=True)
class Token:
    id: int
    name: str
    rate_per_minute: int
    scopes: frozenset[str] = frozenset(DEFAULT_SCOPES)

    @property
    def admin(self) -> bool:
        return "admin" in self.scopes

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or self.admin


@dataclass(frozen=True)
class TokenInfo:
    """What `cpelo serve token list` shows: never the token itself (only its hash is stored)."""

    id: int
    name: str
    scopes: tuple[str, ...]
    rate_per_minute: int
    created_at: float
    expires_at: float | None
    revoked: bool


def parse_scopes(text: str) -> tuple[str, ...]:
    """``submit,upload`` -> the scopes, or TokenError naming the unknown one."""
    found = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    for scope in found:
        if scope not in SCOPES:
            raise TokenError(f"--scope {scope!r}: not a scope (choose from {', '.join(SCOPES)})")
    if not found:
        raise TokenError(f"--scope {text!r}: no scope given (choose from {', '.join(SCOPES)})")
    return found


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8", "replace")).hexdigest()


def create_token(
    engine: Engine,
    name: str,
    rate_per_minute: int,
    scopes: tuple[str, ...] = DEFAULT_SCOPES,
    expires_days: float | None = None,
) -> str:
    """Store a new token's hash and return the token itself (shown once, never stored)."""
    scopes = parse_scopes(",".join(scopes))
    plain = PREFIX + secrets.token_urlsafe(32)
    now = time.time()
    with engine.begin() as conn:
        conn.execute(
            tokens.insert().values(
                name=name[:100], token_hash=hash_token(plain), rate_per_minute=rate_per_minute,
                created_at=now, revoked=False, scopes=",".join(scopes),
                expires_at=None if expires_days is None else now + expires_days * 86400,
            )
        )  # fmt: skip
    return plain


def list_tokens(engine: Engine) -> list[TokenInfo]:
    with engine.connect() as conn:
        rows = conn.execute(select(tokens).order_by(tokens.c.id)).all()
    return [
        TokenInfo(int(r.id), r.name, tuple(r.scopes.split(",")), int(r.rate_per_minute), r.created_at,
                  r.expires_at, bool(r.revoked))
        for r in rows
    ]  # fmt: skip


def revoke_token(engine: Engine, name: str) -> int:
    """Revoke every token named ``name``; how many were revoked (TokenError when none has that name)."""
    with engine.begin() as conn:
        done = conn.execute(
            update(tokens).where(tokens.c.name == name, tokens.c.revoked.is_(False)).values(revoked=True)
        ).rowcount
    if not done:
        raise TokenError(f"--name {name!r}: no live token has this name (see `cpelo serve token list`)")
    return int(done)


def lookup(engine: Engine, plain: str) -> Token | None:
    """The token ``plain`` names, or None when unknown, revoked or expired."""
    if not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(tokens.c.id, tokens.c.name, tokens.c.rate_per_minute, tokens.c.scopes).where(
                tokens.c.token_hash == hash_token(plain),
                tokens.c.revoked.is_(False),
                or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > time.time()),
            )
        ).first()
    if row is None:
        return None
    return Token(int(row.id), row.name, int(row.rate_per_minute), frozenset(row.scopes.split(",")))


class RateLimiter:
    """Token buckets, one per API token; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[int, tuple[float, float]] = {}  # token id -> (tokens left, last refill)

    def allow(self, token: Token) -> float:
        """0.0 when the request may proceed (and is counted), else the seconds to wait."""
        capacity = float(token.rate_per_minute)
        per_second = capacity / 60.0
        now = time.monotonic()
        with self._lock:
            left, last = self._buckets.get(token.id, (capacity, now))
            left = min(capacity, left + (now - last) * per_second)
            if left >= 1.0:
                self._buckets[token.id] = (left - 1.0, now)
                return 0.0
            self._buckets[token.id] = (left, now)
            return (1.0 - left) / per_second
