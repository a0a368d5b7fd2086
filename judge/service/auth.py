"""Bearer tokens (only their SHA-256 is stored) and per-token rate limits.

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

from sqlalchemy import Engine, select

from judge.service.db import tokens

PREFIX = "cpelo_"


@dataclass(frozen=True)
class Token:
    id: int
    name: str
    rate_per_minute: int


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8", "replace")).hexdigest()


def create_token(engine: Engine, name: str, rate_per_minute: int) -> str:
    """Store a new token's hash and return the token itself (shown once, never stored)."""
    plain = PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            tokens.insert().values(
                name=name[:100], token_hash=hash_token(plain), rate_per_minute=rate_per_minute,
                created_at=time.time(), revoked=False,
            )
        )  # fmt: skip
    return plain


def lookup(engine: Engine, plain: str) -> Token | None:
    """The token ``plain`` names, or None when unknown or revoked."""
    if not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(tokens.c.id, tokens.c.name, tokens.c.rate_per_minute).where(
                tokens.c.token_hash == hash_token(plain), tokens.c.revoked.is_(False)
            )
        ).first()
    return None if row is None else Token(int(row.id), row.name, int(row.rate_per_minute))


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
