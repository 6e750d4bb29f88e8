"""Drivers by name, found through the ``qgjob.drivers`` entry-point group.

A package adds a driver by declaring, in its ``pyproject.toml``::

    [project.entry-points."qgjob.drivers"]
    mydevicefarm = "mypackage.driver:create"

where ``create(ctx: DriverContext) -> Driver`` builds it (raising
:class:`ConfigurationError` for settings it cannot work with); ``QGJOB_DRIVER=mydevicefarm``
picks it. qgjob ships ``simulated``, ``adb`` and ``browserstack`` the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, cast

from qgjob_worker.drivers.base import ConfigurationError

if TYPE_CHECKING:
    from qgjob_store import Store
    from qgjob_worker.drivers.base import Driver
    from qgjob_worker.settings import WorkerSettings

GROUP = "qgjob.drivers"


@dataclass(frozen=True)
class DriverContext:
    """What a driver factory gets: the worker's settings, its store and its id."""

    settings: WorkerSettings
    store: Store
    worker_id: str


DriverFactory = Callable[[DriverContext], "Driver"]


class UnknownDriverError(ConfigurationError):
    """``QGJOB_DRIVER`` names no installed driver."""


def available() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def find_factory(name: str) -> DriverFactory:
    """The factory of driver ``name``; raises :class:`UnknownDriverError` naming the known."""
    found = available()
    if name not in found:
        known = ", ".join(sorted(found)) or "none installed"
        raise UnknownDriverError(f"QGJOB_DRIVER={name!r}: unknown driver (known: {known})")
    try:
        factory = found[name].load()
    except (ImportError, AttributeError) as exc:
        raise UnknownDriverError(
            f"QGJOB_DRIVER={name!r}: cannot load {found[name].value}: {exc}"
        ) from None
    return cast(DriverFactory, factory)


def load_driver(settings: WorkerSettings, store: Store, worker_id: str = "") -> Driver:
    """The driver the settings name, built for this worker."""
    factory = find_factory(settings.driver)
    return factory(DriverContext(settings, store, worker_id or settings.worker_id))
