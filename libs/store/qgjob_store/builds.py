"""App builds registered per (org, app version): where workers fetch them and their checksum."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import orjson

from qgjob_schemas import AppBuild
from qgjob_store.store import Store

_FIELDS = ("org_id", "app_version_id", "source", "sha256", "filename", "size", "package")


class RegisterOutcome(StrEnum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    """The same build (same checksum) was registered before: nothing changed."""
    CONFLICT = "conflict"
    """Another build (another checksum) is registered for this app version."""


def _from_hash(h: dict[str, str]) -> AppBuild:
    return AppBuild(
        org_id=h["org_id"],
        app_version_id=h["app_version_id"],
        source=h["source"],
        sha256=h["sha256"],
        filename=h["filename"],
        size=int(h["size"]) if h.get("size") else None,
        package=h.get("package") or None,
        created_at=datetime.fromtimestamp(float(h["created_at"]), tz=UTC),
    )


class BuildStore:
    """Build records. A record never changes once written: an app version is one build."""

    def __init__(self, store: Store) -> None:
        self._s = store
        self._r = store.redis
        self._k = store.keys

    async def get(self, org_id: str, app_version_id: str) -> AppBuild | None:
        h: dict[str, str] = await self._r.hgetall(self._k.app_build(org_id, app_version_id))  # type: ignore[assignment]
        return _from_hash(h) if h else None

    async def register(self, build: AppBuild) -> tuple[RegisterOutcome, AppBuild]:
        """Write the record unless one exists (one script: atomic, and safe to repeat);
        returns the outcome and the build registered now."""
        values = build.model_dump(include=set(_FIELDS))
        flat: list[str] = []
        for name in _FIELDS:
            flat += [name, "" if values[name] is None else str(values[name])]
        flat += ["created_at", f"{build.created_at.timestamp():.6f}"]
        reply = await self._s.scripts.run(
            "build", build.org_id, build.app_version_id, orjson.dumps(flat).decode()
        )
        if reply[0] == "created":
            return RegisterOutcome.CREATED, build
        existing = await self.get(build.org_id, build.app_version_id)
        if existing is None or existing.sha256 != build.sha256:
            return RegisterOutcome.CONFLICT, existing or build
        return RegisterOutcome.UNCHANGED, existing
