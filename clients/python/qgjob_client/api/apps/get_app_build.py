from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.app_build import AppBuild
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    app_version_id: str,
    *,
    org_id: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_org_id: None | str | Unset
    if isinstance(org_id, Unset):
        json_org_id = UNSET
    else:
        json_org_id = org_id
    params["org_id"] = json_org_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/apps/{app_version_id}".format(
            app_version_id=quote(str(app_version_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AppBuild | Error | None:
    if response.status_code == 200:
        response_200 = AppBuild.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

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
    org_id: None | str | Unset = UNSET,
) -> Response[AppBuild | Error]:
    """Get an app build

     The build registered for an app version of an org.

    Args:
        app_version_id (str): The app version.
        org_id (None | str | Unset): [default: the token's org]

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AppBuild | Error]
    """

    kwargs = _get_kwargs(
        app_version_id=app_version_id,
        org_id=org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_version_id: str,
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
) -> AppBuild | Error | None:
    """Get an app build

     The build registered for an app version of an org.

    Args:
        app_version_id (str): The app version.
        org_id (None | str | Unset): [default: the token's org]

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AppBuild | Error
    """

    return sync_detailed(
        app_version_id=app_version_id,
        client=client,
        org_id=org_id,
    ).parsed


async def asyncio_detailed(
    app_version_id: str,
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
) -> Response[AppBuild | Error]:
    """Get an app build

     The build registered for an app version of an org.

    Args:
        app_version_id (str): The app version.
        org_id (None | str | Unset): [default: the token's org]

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AppBuild | Error]
    """

    kwargs = _get_kwargs(
        app_version_id=app_version_id,
        org_id=org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_version_id: str,
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
) -> AppBuild | Error | None:
    """Get an app build

     The build registered for an app version of an org.

    Args:
        app_version_id (str): The app version.
        org_id (None | str | Unset): [default: the token's org]

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
            org_id=org_id,
        )
    ).parsed
