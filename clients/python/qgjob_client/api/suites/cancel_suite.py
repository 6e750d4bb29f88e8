from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.suite_cancellation import SuiteCancellation
from ...types import Response


def _get_kwargs(
    suite_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/suites/{suite_id}/cancel".format(
            suite_id=quote(str(suite_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | SuiteCancellation | None:
    if response.status_code == 200:
        response_200 = SuiteCancellation.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | SuiteCancellation]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    suite_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | SuiteCancellation]:
    """Cancel a suite

     Every unfinished job of the suite, in one request: a waiting job ends ``cancelled``
    at once and never runs, a running one is stopped by its worker. Finished jobs keep their
    result. Cancelling again changes nothing and answers 200 with what the suite is now.

    Args:
        suite_id (str): The suite's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SuiteCancellation]
    """

    kwargs = _get_kwargs(
        suite_id=suite_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    suite_id: str,
    *,
    client: AuthenticatedClient,
) -> Error | SuiteCancellation | None:
    """Cancel a suite

     Every unfinished job of the suite, in one request: a waiting job ends ``cancelled``
    at once and never runs, a running one is stopped by its worker. Finished jobs keep their
    result. Cancelling again changes nothing and answers 200 with what the suite is now.

    Args:
        suite_id (str): The suite's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SuiteCancellation
    """

    return sync_detailed(
        suite_id=suite_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    suite_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Error | SuiteCancellation]:
    """Cancel a suite

     Every unfinished job of the suite, in one request: a waiting job ends ``cancelled``
    at once and never runs, a running one is stopped by its worker. Finished jobs keep their
    result. Cancelling again changes nothing and answers 200 with what the suite is now.

    Args:
        suite_id (str): The suite's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SuiteCancellation]
    """

    kwargs = _get_kwargs(
        suite_id=suite_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    suite_id: str,
    *,
    client: AuthenticatedClient,
) -> Error | SuiteCancellation | None:
    """Cancel a suite

     Every unfinished job of the suite, in one request: a waiting job ends ``cancelled``
    at once and never runs, a running one is stopped by its worker. Finished jobs keep their
    result. Cancelling again changes nothing and answers 200 with what the suite is now.

    Args:
        suite_id (str): The suite's id.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SuiteCancellation
    """

    return (
        await asyncio_detailed(
            suite_id=suite_id,
            client=client,
        )
    ).parsed
