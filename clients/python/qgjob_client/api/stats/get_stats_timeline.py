from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.stats_timeline import StatsTimeline
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    org_id: None | str | Unset = UNSET,
    minutes: int | Unset = 30,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_org_id: None | str | Unset
    if isinstance(org_id, Unset):
        json_org_id = UNSET
    else:
        json_org_id = org_id
    params["org_id"] = json_org_id

    params["minutes"] = minutes

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/stats/timeline",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | StatsTimeline | None:
    if response.status_code == 200:
        response_200 = StatsTimeline.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | StatsTimeline]:
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
    minutes: int | Unset = 30,
) -> Response[Error | StatsTimeline]:
    """Finished jobs per minute

     Jobs that reached a terminal status in each of the last ``minutes`` minutes, by
    status (passed, failed, dead, cancelled), oldest first — throughput and success rate over
    time, of the token's org (an operator: every org's, or ``org_id``'s).

    Args:
        org_id (None | str | Unset):
        minutes (int | Unset): Minutes back, this one included. Default: 30.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | StatsTimeline]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        minutes=minutes,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    minutes: int | Unset = 30,
) -> Error | StatsTimeline | None:
    """Finished jobs per minute

     Jobs that reached a terminal status in each of the last ``minutes`` minutes, by
    status (passed, failed, dead, cancelled), oldest first — throughput and success rate over
    time, of the token's org (an operator: every org's, or ``org_id``'s).

    Args:
        org_id (None | str | Unset):
        minutes (int | Unset): Minutes back, this one included. Default: 30.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | StatsTimeline
    """

    return sync_detailed(
        client=client,
        org_id=org_id,
        minutes=minutes,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    minutes: int | Unset = 30,
) -> Response[Error | StatsTimeline]:
    """Finished jobs per minute

     Jobs that reached a terminal status in each of the last ``minutes`` minutes, by
    status (passed, failed, dead, cancelled), oldest first — throughput and success rate over
    time, of the token's org (an operator: every org's, or ``org_id``'s).

    Args:
        org_id (None | str | Unset):
        minutes (int | Unset): Minutes back, this one included. Default: 30.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | StatsTimeline]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        minutes=minutes,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    minutes: int | Unset = 30,
) -> Error | StatsTimeline | None:
    """Finished jobs per minute

     Jobs that reached a terminal status in each of the last ``minutes`` minutes, by
    status (passed, failed, dead, cancelled), oldest first — throughput and success rate over
    time, of the token's org (an operator: every org's, or ``org_id``'s).

    Args:
        org_id (None | str | Unset):
        minutes (int | Unset): Minutes back, this one included. Default: 30.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | StatsTimeline
    """

    return (
        await asyncio_detailed(
            client=client,
            org_id=org_id,
            minutes=minutes,
        )
    ).parsed
