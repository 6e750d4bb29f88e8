from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.group_page import GroupPage
from ...models.group_state import GroupState
from ...models.target import Target
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    org_id: None | str | Unset = UNSET,
    app_version_id: None | str | Unset = UNSET,
    target: None | Target | Unset = UNSET,
    state: GroupState | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_org_id: None | str | Unset
    if isinstance(org_id, Unset):
        json_org_id = UNSET
    else:
        json_org_id = org_id
    params["org_id"] = json_org_id

    json_app_version_id: None | str | Unset
    if isinstance(app_version_id, Unset):
        json_app_version_id = UNSET
    else:
        json_app_version_id = app_version_id
    params["app_version_id"] = json_app_version_id

    json_target: None | str | Unset
    if isinstance(target, Unset):
        json_target = UNSET
    elif isinstance(target, Target):
        json_target = target.value
    else:
        json_target = target
    params["target"] = json_target

    json_state: None | str | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    elif isinstance(state, GroupState):
        json_state = state.value
    else:
        json_state = state
    params["state"] = json_state

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/groups",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | GroupPage | None:
    if response.status_code == 200:
        response_200 = GroupPage.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | GroupPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    app_version_id: None | str | Unset = UNSET,
    target: None | Target | Unset = UNSET,
    state: GroupState | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[Error | GroupPage]:
    """List groups

     Groups newest first, of the token's org (an operator sees every org's). Follow
    ``next_cursor`` until it is null; a page may be short when filters skip many groups.

    Args:
        org_id (None | str | Unset):
        app_version_id (None | str | Unset):
        target (None | Target | Unset):
        state (GroupState | None | Unset):
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | GroupPage]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        app_version_id=app_version_id,
        target=target,
        state=state,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    app_version_id: None | str | Unset = UNSET,
    target: None | Target | Unset = UNSET,
    state: GroupState | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Error | GroupPage | None:
    """List groups

     Groups newest first, of the token's org (an operator sees every org's). Follow
    ``next_cursor`` until it is null; a page may be short when filters skip many groups.

    Args:
        org_id (None | str | Unset):
        app_version_id (None | str | Unset):
        target (None | Target | Unset):
        state (GroupState | None | Unset):
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | GroupPage
    """

    return sync_detailed(
        client=client,
        org_id=org_id,
        app_version_id=app_version_id,
        target=target,
        state=state,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    app_version_id: None | str | Unset = UNSET,
    target: None | Target | Unset = UNSET,
    state: GroupState | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[Error | GroupPage]:
    """List groups

     Groups newest first, of the token's org (an operator sees every org's). Follow
    ``next_cursor`` until it is null; a page may be short when filters skip many groups.

    Args:
        org_id (None | str | Unset):
        app_version_id (None | str | Unset):
        target (None | Target | Unset):
        state (GroupState | None | Unset):
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | GroupPage]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        app_version_id=app_version_id,
        target=target,
        state=state,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    app_version_id: None | str | Unset = UNSET,
    target: None | Target | Unset = UNSET,
    state: GroupState | None | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Error | GroupPage | None:
    """List groups

     Groups newest first, of the token's org (an operator sees every org's). Follow
    ``next_cursor`` until it is null; a page may be short when filters skip many groups.

    Args:
        org_id (None | str | Unset):
        app_version_id (None | str | Unset):
        target (None | Target | Unset):
        state (GroupState | None | Unset):
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | GroupPage
    """

    return (
        await asyncio_detailed(
            client=client,
            org_id=org_id,
            app_version_id=app_version_id,
            target=target,
            state=state,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
