from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.job import Job
from ...models.job_payload import JobPayload
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: JobPayload,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/jobs",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Job | None:
    if response.status_code == 201:
        response_201 = Job.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Job]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: JobPayload,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Error | Job]:
    """Submit a test job

     Queue one test. The job is stored and on the jobs stream when this returns.
    ``org_id`` may be left out: the token's org is used.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry: the same key and
            body within 24 h return the first response and create nothing; the same key with another
            body is 409.
        body (JobPayload): What a client submits to run one test.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Job]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: JobPayload,
    idempotency_key: None | str | Unset = UNSET,
) -> Error | Job | None:
    """Submit a test job

     Queue one test. The job is stored and on the jobs stream when this returns.
    ``org_id`` may be left out: the token's org is used.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry: the same key and
            body within 24 h return the first response and create nothing; the same key with another
            body is 409.
        body (JobPayload): What a client submits to run one test.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Job
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: JobPayload,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Error | Job]:
    """Submit a test job

     Queue one test. The job is stored and on the jobs stream when this returns.
    ``org_id`` may be left out: the token's org is used.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry: the same key and
            body within 24 h return the first response and create nothing; the same key with another
            body is 409.
        body (JobPayload): What a client submits to run one test.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Job]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: JobPayload,
    idempotency_key: None | str | Unset = UNSET,
) -> Error | Job | None:
    """Submit a test job

     Queue one test. The job is stored and on the jobs stream when this returns.
    ``org_id`` may be left out: the token's org is used.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry: the same key and
            body within 24 h return the first response and create nothing; the same key with another
            body is 409.
        body (JobPayload): What a client submits to run one test.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Job
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
