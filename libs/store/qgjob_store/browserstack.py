"""What BrowserStack workers share: the uploaded app of each app version, the lock of the
one worker uploading it, and the sessions running now (to keep within the plan's limit)."""

from __future__ import annotations

import uuid

import orjson

from qgjob_store.store import Store


class BrowserStackStore:
    def __init__(self, store: Store) -> None:
        self._s = store
        self._r = store.redis
        self._k = store.keys

    async def app_url(self, org_id: str, app_version_id: str) -> str | None:
        """The ``bs://`` URL of the uploaded app, while it has not expired."""
        raw = await self._r.get(self._k.bs_app(org_id, app_version_id))
        if not raw:
            return None
        url = orjson.loads(raw).get("app_url")
        return str(url) if url else None

    async def save_app_url(
        self, org_id: str, app_version_id: str, app_url: str, *, ttl_s: int
    ) -> None:
        body = orjson.dumps({"app_url": app_url}).decode()
        await self._r.set(self._k.bs_app(org_id, app_version_id), body, ex=max(1, ttl_s))

    async def forget_app_url(self, org_id: str, app_version_id: str, app_url: str) -> None:
        """Drop the cached URL if it is still ``app_url`` (BrowserStack deleted that app)."""
        if await self.app_url(org_id, app_version_id) == app_url:
            await self._r.delete(self._k.bs_app(org_id, app_version_id))

    async def lock_upload(self, org_id: str, app_version_id: str, *, ttl_s: float) -> str | None:
        """Become the one worker uploading this app version: a token, or ``None`` when
        another worker holds the lock."""
        token = uuid.uuid4().hex
        key = self._k.bs_upload_lock(org_id, app_version_id)
        ok = await self._r.set(key, token, nx=True, px=int(ttl_s * 1000))
        return token if ok else None

    async def unlock_upload(self, org_id: str, app_version_id: str, token: str) -> None:
        key = self._k.bs_upload_lock(org_id, app_version_id)
        if await self._r.get(key) == token:
            await self._r.delete(key)

    async def upload_locked(self, org_id: str, app_version_id: str) -> bool:
        return bool(await self._r.exists(self._k.bs_upload_lock(org_id, app_version_id)))

    async def take_session(self, token: str, *, limit: int, ttl_s: float) -> bool:
        """Take one of ``limit`` session slots; a slot frees itself after ``ttl_s``."""
        return bool(int(await self._s.scripts.run("slot", "take", token, limit, ttl_s)))

    async def give_session(self, token: str) -> None:
        await self._s.scripts.run("slot", "give", token, 0, 0)

    async def sessions(self) -> int:
        return int(await self._r.zcard(self._k.bs_sessions()))
