from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.target import Target
from ...models.worker import Worker
from ...models.worker_state import WorkerState
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    target: None | Target | Unset = UNSET,
    state: None | Unset | WorkerState = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

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
    elif isinstance(state, WorkerState):
        json_state = state.value
    else:
        json_state = state
    params["state"] = json_state

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workers",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | list[Worker] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Worker.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

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
) -> Response[Error | list[Worker]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    target: None | Target | Unset = UNSET,
    state: None | Unset | WorkerState = UNSET,
) -> Response[Error | list[Worker]]:
    """List workers

     Every worker that reported in, by target and id: its state (`idle`, `busy`,
    `draining`, `unhealthy`, or `lost` when its heartbeat is older than the heartbeat TTL),
    the group it runs, the app versions installed on it, its last heartbeat and its capacity.
    An org's token sees only that org's groups on a worker, and no installed versions.

    Args:
        target (None | Target | Unset):
        state (None | Unset | WorkerState):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Worker]]
    """

    kwargs = _get_kwargs(
        target=target,
        state=state,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    target: None | Target | Unset = UNSET,
    state: None | Unset | WorkerState = UNSET,
) -> Error | list[Worker] | None:
    """List workers

     Every worker that reported in, by target and id: its state (`idle`, `busy`,
    `draining`, `unhealthy`, or `lost` when its heartbeat is older than the heartbeat TTL),
    the group it runs, the app versions installed on it, its last heartbeat and its capacity.
    An org's token sees only that org's groups on a worker, and no installed versions.

    Args:
        target (None | Target | Unset):
        state (None | Unset | WorkerState):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Worker]
    """

    return sync_detailed(
        client=client,
        target=target,
        state=state,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    target: None | Target | Unset = UNSET,
    state: None | Unset | WorkerState = UNSET,
) -> Response[Error | list[Worker]]:
    """List workers

     Every worker that reported in, by target and id: its state (`idle`, `busy`,
    `draining`, `unhealthy`, or `lost` when its heartbeat is older than the heartbeat TTL),
    the group it runs, the app versions installed on it, its last heartbeat and its capacity.
    An org's token sees only that org's groups on a worker, and no installed versions.

    Args:
        target (None | Target | Unset):
        state (None | Unset | WorkerState):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Worker]]
    """

    kwargs = _get_kwargs(
        target=target,
        state=state,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    target: None | Target | Unset = UNSET,
    state: None | Unset | WorkerState = UNSET,
) -> Error | list[Worker] | None:
    """List workers

     Every worker that reported in, by target and id: its state (`idle`, `busy`,
    `draining`, `unhealthy`, or `lost` when its heartbeat is older than the heartbeat TTL),
    the group it runs, the app versions installed on it, its last heartbeat and its capacity.
    An org's token sees only that org's groups on a worker, and no installed versions.

    Args:
        target (None | Target | Unset):
        state (None | Unset | WorkerState):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Worker]
    """

    return (
        await asyncio_detailed(
            client=client,
            target=target,
            state=state,
        )
    ).parsed
