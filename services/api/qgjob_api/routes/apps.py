"""``/v1/apps/{app_version_id}``: register the build of an app version, and read it back.

A build is an uploaded ``.apk``/``.aab``/``.ipa`` file (multipart), kept in the build store,
or a URL the workers download from. Either way it has a SHA-256 the workers verify. An app
version has one build: registering the same build again changes nothing (200), another one
is a conflict (409).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Annotated, Any
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, File, Form, Path, Query, Response, UploadFile

from qgjob_api.auth import PrincipalDep
from qgjob_api.build_files import NotABuildError, StoredFile, discard, store_upload
from qgjob_api.deps import BuildsDep, SettingsDep
from qgjob_api.errors import CONFLICT, ERROR_RESPONSES, FORBIDDEN, ApiError, error_doc
from qgjob_api.settings import ApiSettings
from qgjob_redis import RegisterOutcome
from qgjob_schemas import BUILD_SUFFIXES, ID_PATTERN, AppBuild, ErrorDetail

router = APIRouter(prefix="/v1", tags=["apps"])
AppVersionId = Annotated[str, Path(pattern=ID_PATTERN, description="The app version.")]
SHA256 = r"^[0-9a-fA-F]{64}$"
PACKAGE = r"^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$"
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: error_doc("No build registered.", "not_found", "no build of app version xyz123")
}
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: error_doc("The file is too large.", "payload_too_large", "the build is too large")
}


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(
        422,
        "validation_error",
        f"invalid request: {field}: {message}",
        details=[ErrorDetail(field=field, message=message)],
    )


def _build_name(name: str, field: str) -> str:
    base = PurePosixPath(name.replace("\\", "/")).name
    if not base.lower().endswith(BUILD_SUFFIXES) or base.startswith("."):
        raise _invalid(field, "must name an .apk, .aab or .ipa file")
    return base


EXAMPLE_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@router.post(
    "/apps/{app_version_id}",
    status_code=201,
    operation_id="registerAppBuild",
    summary="Register an app build",
    responses={**CONFLICT, **FORBIDDEN, **TOO_LARGE, **ERROR_RESPONSES, 200: {"model": AppBuild}},
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "example": {
                        "org_id": "qualgent",
                        "url": "https://builds.example.com/xyz123/app-release.apk",
                        "sha256": EXAMPLE_SHA256,
                        "package": "com.qualgent.app",
                    }
                }
            }
        }
    },
)
async def register_app_build(
    app_version_id: AppVersionId,
    response: Response,
    principal: PrincipalDep,
    builds: BuildsDep,
    settings: SettingsDep,
    org_id: Annotated[
        str | None,
        Form(pattern=ID_PATTERN, description="Org that owns the build [default: the token's]."),
    ] = None,
    file: Annotated[UploadFile | None, File(description="The .apk, .aab or .ipa.")] = None,
    url: Annotated[
        str | None, Form(max_length=4096, description="Or: where workers download it.")
    ] = None,
    sha256: Annotated[
        str | None, Form(pattern=SHA256, description="Required with url; checked for a file.")
    ] = None,
    package: Annotated[
        str | None, Form(pattern=PACKAGE, description="Android package, e.g. com.acme.app.")
    ] = None,
) -> AppBuild:
    """Register the build of an app version for an org: upload the file (multipart field
    ``file``) or give its ``url`` and ``sha256``. Jobs of this app version install it."""
    owner = principal.owner(org_id)
    if (file is None) == (url is None):
        raise _invalid("file", "give either a file or a url")
    if file is not None:
        build, stored = await _from_upload(file, owner, app_version_id, sha256, settings)
    else:
        build = _from_url(url or "", owner, app_version_id, sha256)
        stored = None
    outcome, registered = await builds.register(build.model_copy(update={"package": package}))
    if outcome is RegisterOutcome.CONFLICT:
        if stored is not None:
            await asyncio.to_thread(discard, stored)
        raise ApiError(
            409,
            "conflict",
            f"app version {app_version_id} of {owner} already has another build "
            f"(sha256 {registered.sha256}); register the new build as a new app version",
        )
    if outcome is RegisterOutcome.UNCHANGED:
        response.status_code = 200
    response.headers["Location"] = f"/v1/apps/{app_version_id}?owner={owner}"
    return registered


async def _from_upload(
    file: UploadFile, org_id: str, version: str, sha256: str | None, settings: ApiSettings
) -> tuple[AppBuild, StoredFile]:
    filename = _build_name(file.filename or "", "file")
    if file.size is not None and file.size > settings.build_max_bytes:
        raise ApiError(
            413, "payload_too_large", f"the build is larger than {settings.build_max_bytes} bytes"
        )
    folder = settings.build_store_dir.absolute() / org_id / version
    try:
        stored = await asyncio.to_thread(store_upload, file.file, folder, filename)
    except NotABuildError as exc:
        raise _invalid("file", str(exc)) from None
    if sha256 and sha256.lower() != stored.sha256:
        await asyncio.to_thread(discard, stored)
        raise _invalid("sha256", f"does not match the file (its sha256 is {stored.sha256})")
    build = AppBuild(
        org_id=org_id,
        app_version_id=version,
        source=stored.path.as_uri(),
        sha256=stored.sha256,
        filename=filename,
        size=stored.size,
        created_at=datetime.now(UTC),
    )
    return build, stored


def _from_url(url: str, org_id: str, version: str, sha256: str | None) -> AppBuild:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _invalid("url", "must be an http:// or https:// URL")
    if not sha256:
        raise _invalid("sha256", "is required with a url (workers verify the download)")
    return AppBuild(
        org_id=org_id,
        app_version_id=version,
        source=url,
        sha256=sha256.lower(),
        filename=_build_name(unquote(parts.path), "url"),
        created_at=datetime.now(UTC),
    )


@router.get(
    "/apps/{app_version_id}",
    operation_id="getAppBuild",
    summary="Get an app build",
    responses={**NOT_FOUND, **FORBIDDEN, **ERROR_RESPONSES},
)
async def get_app_build(
    app_version_id: AppVersionId,
    principal: PrincipalDep,
    builds: BuildsDep,
    org_id: Annotated[
        str | None, Query(pattern=ID_PATTERN, description="[default: the token's org]")
    ] = None,
) -> AppBuild:
    """The build registered for an app version of an org."""
    org_id = principal.owner(org_id)
    build = await builds.get(org_id, app_version_id)
    if build is None:
        raise ApiError(404, "not_found", f"no build of app version {app_version_id} for {org_id}")
    return build
