from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.app_build import AppBuild
from ...models.app_build_upload import AppBuildUpload
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    app_version_id: str,
    *,
    body: AppBuildUpload,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/apps/{app_version_id}".format(
            app_version_id=quote(str(app_version_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AppBuild | Error | None:
    if response.status_code == 200:
        response_200 = AppBuild.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = AppBuild.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if response.status_code == 507:
        response_507 = Error.from_dict(response.json())

        return response_507

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AppBuild | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    app_version_id: str,
    *,
    client: AuthenticatedClient,
    body: AppBuildUpload,
) -> Response[AppBuild | Error]:
    """Register an app build

     Register the build of an app version for an org: upload the file (multipart field
    ``file``) or give its ``url`` and ``sha256``. Jobs of this app version install it.

    Args:
        app_version_id (str): The app version.
        body (AppBuildUpload): The text fields of ``POST /v1/apps/{app_version_id}`` (a multipart
            form whose field
            ``file`` holds the build, or which gives its ``url``).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AppBuild | Error]
    """

    kwargs = _get_kwargs(
        app_version_id=app_version_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_version_id: str,
    *,
    client: AuthenticatedClient,
    body: AppBuildUpload,
) -> AppBuild | Error | None:
    """Register an app build

     Register the build of an app version for an org: upload the file (multipart field
    ``file``) or give its ``url`` and ``sha256``. Jobs of this app version install it.

    Args:
        app_version_id (str): The app version.
        body (AppBuildUpload): The text fields of ``POST /v1/apps/{app_version_id}`` (a multipart
            form whose field
            ``file`` holds the build, or which gives its ``url``).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AppBuild | Error
    """

    return sync_detailed(
        app_version_id=app_version_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    app_version_id: str,
    *,
    client: AuthenticatedClient,
    body: AppBuildUpload,
) -> Response[AppBuild | Error]:
    """Register an app build

     Register the build of an app version for an org: upload the file (multipart field
    ``file``) or give its ``url`` and ``sha256``. Jobs of this app version install it.

    Args:
        app_version_id (str): The app version.
        body (AppBuildUpload): The text fields of ``POST /v1/apps/{app_version_id}`` (a multipart
            form whose field
            ``file`` holds the build, or which gives its ``url``).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AppBuild | Error]
    """

    kwargs = _get_kwargs(
        app_version_id=app_version_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_version_id: str,
    *,
    client: AuthenticatedClient,
    body: AppBuildUpload,
) -> AppBuild | Error | None:
    """Register an app build

     Register the build of an app version for an org: upload the file (multipart field
    ``file``) or give its ``url`` and ``sha256``. Jobs of this app version install it.

    Args:
        app_version_id (str): The app version.
        body (AppBuildUpload): The text fields of ``POST /v1/apps/{app_version_id}`` (a multipart
            form whose field
            ``file`` holds the build, or which gives its ``url``).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AppBuild | Error
    """

    return (
        await asyncio_detailed(
            app_version_id=app_version_id,
            client=client,
            body=body,
        )
    ).parsed
