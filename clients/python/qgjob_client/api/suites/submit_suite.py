from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.suite import Suite
from ...models.suite_payload import SuitePayload
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SuitePayload,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/suites",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Suite | None:
    if response.status_code == 201:
        response_201 = Suite.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Suite]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SuitePayload,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Error | Suite]:
    """Submit a suite

     One job per test and target (at most 5,000), stored in batches of 1,000 per store
    round trip. Answers with the suite id and every job id; each job carries ``suite_id``.
    The org's cap on unfinished jobs applies to the whole suite: all of it or nothing.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry: the same key and
            body within 24 h return the first response and create nothing; the same key with another
            body is 409.
        body (SuitePayload): Tests to run against one app version; one job per test and target.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Suite]
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
    body: SuitePayload,
    idempotency_key: None | str | Unset = UNSET,
) -> Error | Suite | None:
    """Submit a suite

     One job per test and target (at most 5,000), stored in batches of 1,000 per store
    round trip. Answers with the suite id and every job id; each job carries ``suite_id``.
    The org's cap on unfinished jobs applies to the whole suite: all of it or nothing.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry: the same key and
            body within 24 h return the first response and create nothing; the same key with another
            body is 409.
        body (SuitePayload): Tests to run against one app version; one job per test and target.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Suite
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SuitePayload,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Error | Suite]:
    """Submit a suite

     One job per test and target (at most 5,000), stored in batches of 1,000 per store
    round trip. Answers with the suite id and every job id; each job carries ``suite_id``.
    The org's cap on unfinished jobs applies to the whole suite: all of it or nothing.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry: the same key and
            body within 24 h return the first response and create nothing; the same key with another
            body is 409.
        body (SuitePayload): Tests to run against one app version; one job per test and target.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Suite]
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
    body: SuitePayload,
    idempotency_key: None | str | Unset = UNSET,
) -> Error | Suite | None:
    """Submit a suite

     One job per test and target (at most 5,000), stored in batches of 1,000 per store
    round trip. Answers with the suite id and every job id; each job carries ``suite_id``.
    The org's cap on unfinished jobs applies to the whole suite: all of it or nothing.

    Args:
        idempotency_key (None | str | Unset): Makes the request safe to retry: the same key and
            body within 24 h return the first response and create nothing; the same key with another
            body is 409.
        body (SuitePayload): Tests to run against one app version; one job per test and target.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Suite
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
