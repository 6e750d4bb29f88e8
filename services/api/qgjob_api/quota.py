"""The answer when an org has as many unfinished jobs as it may."""

from __future__ import annotations

from qgjob_api.errors import ApiError
from qgjob_store import QuotaExceededError

QUOTA_RETRY_AFTER_S = 30


def quota_error(org_id: str, exc: QuotaExceededError) -> ApiError:
    return ApiError(
        429,
        "quota_exceeded",
        f"org {org_id} has {exc.unfinished} unfinished jobs and may have at most {exc.cap}; "
        "wait for some to finish",
        headers={"Retry-After": str(QUOTA_RETRY_AFTER_S)},
    )
