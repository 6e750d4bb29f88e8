"""``/v1/jobs/{job_id}/artifacts``: a job's full logs and output files, listed and served."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse
from pydantic import AfterValidator

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import JobsDep, SettingsDep
from qgjob_api.errors import ERROR_RESPONSES, NOT_FOUND, ApiError
from qgjob_api.routes.jobs import visible_job
from qgjob_core.artifacts import ArtifactStore
from qgjob_schemas import ID_PATTERN, Artifact, check_text

router = APIRouter(prefix="/v1", tags=["jobs"])
ARTIFACT_PATH_MAX = 4096
JobId = Annotated[str, Path(pattern=ID_PATTERN, description="The job's id.")]
ArtifactPath = Annotated[
    str,
    Path(max_length=ARTIFACT_PATH_MAX, description="As listed, e.g. attempt-1/run-1/log.txt."),
    AfterValidator(lambda value: check_text(value, "path")),
]


@router.get(
    "/jobs/{job_id}/artifacts",
    operation_id="listJobArtifacts",
    summary="List a job's artifacts",
    responses={**NOT_FOUND, **ERROR_RESPONSES},
)
async def list_job_artifacts(
    job_id: JobId, principal: PrincipalDep, jobs: JobsDep, settings: SettingsDep
) -> list[Artifact]:
    """Every file the job left: ``attempt-N/run-K/log.txt`` (all the test command printed)
    and what it wrote to its output folder (``attempt-N/run-K/output/...``)."""
    await visible_job(jobs, principal, job_id)
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
    responses={
        200: {
            "description": "The file's bytes.",
            "content": {"application/octet-stream": {"example": "PASS tests/login.spec.js"}},
        },
        **NOT_FOUND,
        **ERROR_RESPONSES,
    },
)
async def get_job_artifact(
    job_id: JobId,
    path: ArtifactPath,
    principal: PrincipalDep,
    jobs: JobsDep,
    settings: SettingsDep,
) -> FileResponse:
    """One file, as listed by ``listJobArtifacts``."""
    await visible_job(jobs, principal, job_id)
    found = await asyncio.to_thread(ArtifactStore(settings.artifact_dir).find, job_id, path)
    if found is None:
        raise ApiError(404, "not_found", f"job {job_id} has no artifact {path}")
    return FileResponse(found, filename=found.name)
