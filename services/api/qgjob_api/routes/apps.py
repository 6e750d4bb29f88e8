"""``/v1/apps/{app_version_id}``: register the build of an app version, and read it back.

A build is an uploaded ``.apk``/``.aab``/``.ipa`` file (multipart), kept in the build store,
or a URL the workers download from. Either way it has a SHA-256 the workers verify. An app
version has one build: registering the same build again changes nothing (200), another one
is a conflict (409). The upload is read as it arrives (:mod:`qgjob_api.upload_form`), so it
may be as large as ``QGJOB_BUILD_MAX_BYTES``, not only ``QGJOB_MAX_BODY_BYTES``.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path as FsPath
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlsplit

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from qgjob_api.auth import PrincipalDep
from qgjob_api.build_files import StoredFile, discard, place, store_error
from qgjob_api.deps import BuildsDep, SettingsDep
from qgjob_api.errors import CONFLICT, ERROR_RESPONSES, FORBIDDEN, ApiError, error_doc, invalid
from qgjob_api.settings import ApiSettings
from qgjob_api.upload_form import ReadForm, build_file_name, read_build_form
from qgjob_api.url_check import check_build_url
from qgjob_schemas import ID_PATTERN, AppBuild, BuildForm
from qgjob_store import RegisterOutcome

router = APIRouter(prefix="/v1", tags=["apps"])
AppVersionId = Annotated[str, Path(pattern=ID_PATTERN, description="The app version.")]
UPLOAD_PATH = re.compile(r"^/v1/apps/[^/]+$")
"""Where the request body may be as large as a build (see :class:`RequestContext`)."""
FORM_OVERHEAD = 1 << 20
"""Room for the form's text fields and part headers beside the build itself."""
STORE_SCHEME = "store:"
"""How an uploaded build's ``source`` is shown: its path in the build store, never the
server's absolute path."""
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: error_doc("No build registered.", "not_found", "no build of app version xyz123")
}
SERVER: dict[int | str, dict[str, Any]] = {
    413: error_doc("The file is too large.", "payload_too_large", "the build is too large"),
    500: error_doc(
        "A bug, or the build store cannot be written (`build_store_error`).",
        "build_store_error",
        "the build store cannot be written; tell the operator",
    ),
    507: error_doc(
        "The build store is full.",
        "build_store_full",
        "the build store is full; tell the operator",
    ),
}
EXAMPLE_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def _form_schema() -> dict[str, Any]:
    schema = BuildForm.model_json_schema()
    file = {"type": "string", "format": "binary", "description": "The .apk, .aab or .ipa."}
    schema["properties"] = {"file": file, **schema["properties"]}
    return schema


def upload_limit(settings: ApiSettings) -> int:
    return settings.build_max_bytes + FORM_OVERHEAD


@router.post(
    "/apps/{app_version_id}",
    status_code=201,
    operation_id="registerAppBuild",
    summary="Register an app build",
    responses={**CONFLICT, **FORBIDDEN, **ERROR_RESPONSES, **SERVER, 200: {"model": AppBuild}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": _form_schema(),
                    "example": {
                        "org_id": "qualgent",
                        "url": "https://builds.example.com/xyz123/app-release.apk",
                        "sha256": EXAMPLE_SHA256,
                        "package": "com.qualgent.app",
                    },
                }
            },
        }
    },
)
async def register_app_build(
    app_version_id: AppVersionId,
    request: Request,
    response: Response,
    principal: PrincipalDep,
    builds: BuildsDep,
    settings: SettingsDep,
) -> AppBuild:
    """Register the build of an app version for an org: upload the file (multipart field
    ``file``) or give its ``url`` and ``sha256``. Jobs of this app version install it."""
    store = settings.build_store_dir.absolute()
    uploaded = await read_build_form(request, store, settings.build_max_bytes)
    stored: StoredFile | None = None
    try:
        form = _validated(uploaded)
        owner = principal.owner(form.org_id)
        if (uploaded.upload is None) == (form.url is None):
            raise invalid("file", "give either a file or a url")
        if uploaded.upload is not None:
            build, stored = await _from_upload(uploaded, form, owner, app_version_id, store)
        else:
            build = await _from_url(form, owner, app_version_id, settings)
        outcome, registered = await builds.register(build)
    except BaseException:
        if uploaded.upload is not None:
            await asyncio.to_thread(uploaded.upload.discard)
        if stored is not None:
            await asyncio.to_thread(discard, stored)
        raise
    if stored is not None and registered.source != build.source:
        # another build (409), or the same bytes under another name (200): keep only the
        # registered file; this request removes the one it placed, nothing else
        await asyncio.to_thread(discard, stored)
    if outcome is RegisterOutcome.CONFLICT:
        raise ApiError(
            409,
            "conflict",
            f"app version {app_version_id} of {owner} already has another build "
            f"(sha256 {registered.sha256}); register the new build as a new app version",
        )
    if outcome is RegisterOutcome.UNCHANGED:
        response.status_code = 200
    response.headers["Location"] = build_location(owner, app_version_id)
    return public(registered, store)


def build_location(org_id: str, app_version_id: str) -> str:
    return f"/v1/apps/{quote(app_version_id)}?org_id={quote(org_id)}"


def public(build: AppBuild, store: FsPath) -> AppBuild:
    """The build as clients see it: an uploaded file by its place in the build store."""
    if not build.source.startswith("file://"):
        return build
    path = FsPath(unquote(urlsplit(build.source).path))
    shown = path.relative_to(store) if path.is_relative_to(store) else FsPath(path.name)
    return build.model_copy(update={"source": STORE_SCHEME + shown.as_posix()})


def _validated(uploaded: ReadForm) -> BuildForm:
    try:
        return BuildForm.model_validate(
            {k: v for k, v in uploaded.fields.items() if k in BuildForm.model_fields}
        )
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from None


async def _from_upload(
    uploaded: ReadForm, form: BuildForm, org_id: str, version: str, store: FsPath
) -> tuple[AppBuild, StoredFile]:
    upload, filename = uploaded.upload, uploaded.filename
    assert upload is not None
    assert filename is not None
    digest = upload.sha.hexdigest()
    if form.sha256 and form.sha256.lower() != digest:
        raise invalid("sha256", f"does not match the file (its sha256 is {digest})")
    try:
        stored = await asyncio.to_thread(place, upload, store / org_id / version, filename)
    except OSError as exc:
        raise store_error(exc, store) from None
    build = AppBuild(
        org_id=org_id,
        app_version_id=version,
        source=stored.path.as_uri(),
        sha256=stored.sha256,
        filename=filename,
        size=stored.size,
        package=form.package,
        created_at=datetime.now(UTC),
    )
    return build, stored


async def _from_url(form: BuildForm, org_id: str, version: str, settings: ApiSettings) -> AppBuild:
    url = form.url or ""
    await check_build_url(url, "url", settings)
    if not form.sha256:
        raise invalid("sha256", "is required with a url (workers verify the download)")
    name = _url_file_name(url)
    return AppBuild(
        org_id=org_id,
        app_version_id=version,
        source=url,
        sha256=form.sha256.lower(),
        filename=build_file_name(name, "url"),
        package=form.package,
        created_at=datetime.now(UTC),
    )


def _url_file_name(url: str) -> str:
    """The decoded last segment of the URL's path: ``%2F`` or ``%00`` in it are refused
    by :func:`build_file_name`, as is invalid UTF-8 (decoded to lone surrogates)."""
    segment = urlsplit(url).path.rsplit("/", 1)[-1]
    return unquote(segment, errors="surrogateescape")


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
    settings: SettingsDep,
    org_id: Annotated[
        str | None, Query(pattern=ID_PATTERN, description="[default: the token's org]")
    ] = None,
) -> AppBuild:
    """The build registered for an app version of an org."""
    org_id = principal.owner(org_id)
    build = await builds.get(org_id, app_version_id)
    if build is None:
        raise ApiError(404, "not_found", f"no build of app version {app_version_id} for {org_id}")
    return public(build, settings.build_store_dir.absolute())
