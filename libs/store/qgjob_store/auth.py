"""API tokens: each acts for one org; only a hash of the secret is stored.

A token reads ``qgj_<id>_<secret>``. It is looked up by the sha256 of the whole string (a
token has 256 random bits, so a fast hash is enough); the id names it for revocation.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from qgjob_schemas import TokenCreated, TokenInfo
from qgjob_store.codec import ts
from qgjob_store.ids import new_id
from qgjob_store.store import Store

TOKEN_PREFIX = "qgj_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _info(h: dict[str, str]) -> TokenInfo:
    created = ts(h.get("created_at")) or datetime.now(UTC)
    return TokenInfo(id=h["id"], org_id=h["org_id"], name=h.get("name", ""), created_at=created)


class TokenStore:
    def __init__(self, store: Store) -> None:
        self._r = store.redis
        self._k = store.keys

    async def create(self, org_id: str, name: str = "") -> TokenCreated:
        token_id = new_id()
        token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        digest = token_digest(token)
        created = datetime.now(UTC)
        record = {
            "id": token_id,
            "org_id": org_id,
            "name": name,
            "created_at": f"{created.timestamp():.6f}",
        }
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.hset(self._k.token(digest), mapping=record)  # type: ignore[arg-type]
            pipe.hset(self._k.tokens(), token_id, digest)
            await pipe.execute()
        return TokenCreated(id=token_id, org_id=org_id, name=name, created_at=created, token=token)

    async def lookup(self, token: str) -> TokenInfo | None:
        """The token's record, or ``None`` for an unknown or revoked token."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        h: dict[str, str] = await self._r.hgetall(self._k.token(token_digest(token)))  # type: ignore[assignment]
        return _info(h) if h else None

    async def revoke(self, token_id: str) -> bool:
        """Revoke a token; ``False`` when there is no such token (any more). Idempotent."""
        digest: str | None = await self._r.hget(self._k.tokens(), token_id)  # type: ignore[assignment]
        if digest is None:
            return False
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.delete(self._k.token(digest))
            pipe.hdel(self._k.tokens(), token_id)
            await pipe.execute()
        return True

    async def list(self, org_id: str | None = None) -> list[TokenInfo]:
        """Tokens, oldest first, optionally of one org."""
        ids: dict[str, str] = await self._r.hgetall(self._k.tokens())  # type: ignore[assignment]
        async with self._r.pipeline(transaction=False) as pipe:
            for digest in ids.values():
                pipe.hgetall(self._k.token(digest))
            records: list[dict[str, str]] = await pipe.execute()
        infos = [_info(h) for h in records if h]
        return sorted(
            (i for i in infos if org_id is None or i.org_id == org_id), key=lambda i: i.id
        )
