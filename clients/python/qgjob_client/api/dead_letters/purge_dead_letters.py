from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dead_letter_batch import DeadLetterBatch
from ...models.dead_letter_selection import DeadLetterSelection
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: DeadLetterSelection,
    org_id: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    json_org_id: None | str | Unset
    if isinstance(org_id, Unset):
        json_org_id = UNSET
    else:
        json_org_id = org_id
    params["org_id"] = json_org_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/dead-letters/purge",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeadLetterBatch | Error | None:
    if response.status_code == 200:
        response_200 = DeadLetterBatch.from_dict(response.json())

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
) -> Response[DeadLetterBatch | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: DeadLetterSelection,
    org_id: None | str | Unset = UNSET,
) -> Response[DeadLetterBatch | Error]:
    """Delete dead letters in bulk

     Take the selected dead letters off the list (``all``: every one in view); their
    jobs stay dead.

    Args:
        org_id (None | str | Unset):
        body (DeadLetterSelection): Which dead letters a bulk action takes: the ones named, or
            every one in view.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLetterBatch | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        org_id=org_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: DeadLetterSelection,
    org_id: None | str | Unset = UNSET,
) -> DeadLetterBatch | Error | None:
    """Delete dead letters in bulk

     Take the selected dead letters off the list (``all``: every one in view); their
    jobs stay dead.

    Args:
        org_id (None | str | Unset):
        body (DeadLetterSelection): Which dead letters a bulk action takes: the ones named, or
            every one in view.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLetterBatch | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        org_id=org_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: DeadLetterSelection,
    org_id: None | str | Unset = UNSET,
) -> Response[DeadLetterBatch | Error]:
    """Delete dead letters in bulk

     Take the selected dead letters off the list (``all``: every one in view); their
    jobs stay dead.

    Args:
        org_id (None | str | Unset):
        body (DeadLetterSelection): Which dead letters a bulk action takes: the ones named, or
            every one in view.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLetterBatch | Error]
    """

    kwargs = _get_kwargs(
        body=body,
        org_id=org_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: DeadLetterSelection,
    org_id: None | str | Unset = UNSET,
) -> DeadLetterBatch | Error | None:
    """Delete dead letters in bulk

     Take the selected dead letters off the list (``all``: every one in view); their
    jobs stay dead.

    Args:
        org_id (None | str | Unset):
        body (DeadLetterSelection): Which dead letters a bulk action takes: the ones named, or
            every one in view.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLetterBatch | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            org_id=org_id,
        )
    ).parsed
