"""How ``qgjob up`` names the store it runs on: never with a password."""

from __future__ import annotations

import pytest

from qgjob_cli.embedded import shown_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:pw@127.0.0.1:6379/0", "Redis at redis://:***@127.0.0.1:6379/0"),
        ("redis://app:pw@h:6379/0", "Redis at redis://app:***@h:6379/0"),
        ("redis://h:6379/0", "Redis at redis://h:6379/0"),
        ("redis+cluster://:pw@n1:7000,n2:7001", "Redis at redis+cluster://:***@n1:7000,n2:7001"),
        (
            "redis+sentinel://s1:26379,s2:26379/qgjob?sentinel_password=spw",
            "Redis at redis+sentinel://s1:26379,s2:26379/qgjob",
        ),
        ("memory://", "embedded in-memory store"),
    ],
)
def test_passwords_are_hidden(url: str, shown: str) -> None:
    assert shown_url(url) == shown
