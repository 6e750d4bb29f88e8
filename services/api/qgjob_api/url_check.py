"""Build URLs a client gives (a registered build's ``url``, a job's ``app_url``) are
checked before they are stored: workers would fetch them inside the farm's network."""

from __future__ import annotations

import asyncio

from qgjob_api.errors import invalid
from qgjob_api.settings import ApiSettings
from qgjob_core.build_urls import BuildUrlError, checked_addresses

RESOLVE_TIMEOUT_S = 2.0


async def check_build_url(url: str, field: str, settings: ApiSettings) -> None:
    """422 unless workers may fetch ``url`` (see :mod:`qgjob_core.build_urls`). A host that
    does not resolve here is let through: the workers check it again before each fetch."""
    try:
        await asyncio.wait_for(
            checked_addresses(url, allow_private=settings.build_urls_allow_private),
            RESOLVE_TIMEOUT_S,
        )
    except BuildUrlError as exc:
        raise invalid(field, str(exc)) from None
    except (OSError, UnicodeError):
        return
