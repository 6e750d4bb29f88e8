"""``/v1/jobs/{job_id}/artifacts``: a job's full logs and output files, listed and served."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse

from qgjob_api.deps import SettingsDep, StoreDep
from qgjob_api.errors import ERROR_RESPONSES, NOT_FOUND, ApiError
from qgjob_core.artifacts import ArtifactStore
from qgjob_schemas import ID_PATTERN, Artifact

router = APIRouter(prefix="/v1", tags=["jobs"])
JobId = Annotated[str, Path(pattern=ID_PATTERN, description="The job's id.")]


async def _job_exists(store: StoreDep, job_id: str) -> None:
    if not await store.redis.exists(store.keys.job(job_id)):
        raise ApiError(404, "not_found", f"job {job_id} not found")


@router.get(
    "/jobs/{job_id}/artifacts",
    operation_id="listJobArtifacts",
    summary="List a job's artifacts",
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def list_job_artifacts(
    job_id: JobId, store: StoreDep, settings: SettingsDep
) -> list[Artifact]:
    """Every file the job left: ``attempt-N/run-K/log.txt`` (all the test command printed)
    and what it wrote to its output folder (``attempt-N/run-K/output/...``)."""
    await _job_exists(store, job_id)
    files = await asyncio.to_thread(ArtifactStore(settings.artifact_dir).list, job_id)
    return [
        Artifact(
            path=f.path,
            size=f.size,
            modified_at=datetime.fromtimestamp(f.modified, tz=UTC),
            url=f"/v1/jobs/{job_id}/artifacts/{f.path}",
        )
        for f in files
    ]


@router.get(
    "/jobs/{job_id}/artifacts/{path:path}",
    operation_id="getJobArtifact",
    summary="Download a job's artifact",
    response_class=FileResponse,
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def get_job_artifact(
    job_id: JobId, path: str, store: StoreDep, settings: SettingsDep
) -> FileResponse:
    """One file, as listed by ``listJobArtifacts``."""
    await _job_exists(store, job_id)
    found = await asyncio.to_thread(ArtifactStore(settings.artifact_dir).find, job_id, path)
    if found is None:
        raise ApiError(404, "not_found", f"job {job_id} has no artifact {path}")
    return FileResponse(found, filename=found.name)
