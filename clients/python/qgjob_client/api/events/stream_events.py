from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.job_event import JobEvent
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    org_id: None | str | Unset = UNSET,
    last_event_id_query: None | str | Unset = UNSET,
    last_event_id_header: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id_header, Unset):
        headers["Last-Event-ID"] = last_event_id_header

    params: dict[str, Any] = {}

    json_org_id: None | str | Unset
    if isinstance(org_id, Unset):
        json_org_id = UNSET
    else:
        json_org_id = org_id
    params["org_id"] = json_org_id

    json_last_event_id_query: None | str | Unset
    if isinstance(last_event_id_query, Unset):
        json_last_event_id_query = UNSET
    else:
        json_last_event_id_query = last_event_id_query
    params["last_event_id"] = json_last_event_id_query

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | JobEvent | None:
    if response.status_code == 200:
        response_200 = JobEvent.from_dict(response.text)

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | JobEvent]:
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
    last_event_id_query: None | str | Unset = UNSET,
    last_event_id_header: None | str | Unset = UNSET,
) -> Response[Error | JobEvent]:
    """Stream events

     Every state change of the token's org's jobs (an operator: every org's, or
    ``org_id``'s), as they happen. Never ends by itself.

    Args:
        org_id (None | str | Unset):
        last_event_id_query (None | str | Unset): Resume after this event id (as `Last-Event-ID`).
        last_event_id_header (None | str | Unset): Resume after this event id (browsers send it
            when they reconnect).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | JobEvent]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        last_event_id_query=last_event_id_query,
        last_event_id_header=last_event_id_header,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    last_event_id_query: None | str | Unset = UNSET,
    last_event_id_header: None | str | Unset = UNSET,
) -> Error | JobEvent | None:
    """Stream events

     Every state change of the token's org's jobs (an operator: every org's, or
    ``org_id``'s), as they happen. Never ends by itself.

    Args:
        org_id (None | str | Unset):
        last_event_id_query (None | str | Unset): Resume after this event id (as `Last-Event-ID`).
        last_event_id_header (None | str | Unset): Resume after this event id (browsers send it
            when they reconnect).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | JobEvent
    """

    return sync_detailed(
        client=client,
        org_id=org_id,
        last_event_id_query=last_event_id_query,
        last_event_id_header=last_event_id_header,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    last_event_id_query: None | str | Unset = UNSET,
    last_event_id_header: None | str | Unset = UNSET,
) -> Response[Error | JobEvent]:
    """Stream events

     Every state change of the token's org's jobs (an operator: every org's, or
    ``org_id``'s), as they happen. Never ends by itself.

    Args:
        org_id (None | str | Unset):
        last_event_id_query (None | str | Unset): Resume after this event id (as `Last-Event-ID`).
        last_event_id_header (None | str | Unset): Resume after this event id (browsers send it
            when they reconnect).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | JobEvent]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        last_event_id_query=last_event_id_query,
        last_event_id_header=last_event_id_header,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    last_event_id_query: None | str | Unset = UNSET,
    last_event_id_header: None | str | Unset = UNSET,
) -> Error | JobEvent | None:
    """Stream events

     Every state change of the token's org's jobs (an operator: every org's, or
    ``org_id``'s), as they happen. Never ends by itself.

    Args:
        org_id (None | str | Unset):
        last_event_id_query (None | str | Unset): Resume after this event id (as `Last-Event-ID`).
        last_event_id_header (None | str | Unset): Resume after this event id (browsers send it
            when they reconnect).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | JobEvent
    """

    return (
        await asyncio_detailed(
            client=client,
            org_id=org_id,
            last_event_id_query=last_event_id_query,
            last_event_id_header=last_event_id_header,
        )
    ).parsed
