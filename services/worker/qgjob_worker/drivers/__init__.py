"""Drivers by name."""

from __future__ import annotations

from qgjob_worker.drivers.base import Driver, InfrastructureError, LogSink
from qgjob_worker.drivers.simulated import SimulatedDriver
from qgjob_worker.settings import WorkerSettings


class UnknownDriverError(ValueError):
    pass


def load_driver(settings: WorkerSettings) -> Driver:
    """The driver the settings name."""
    if settings.driver == "simulated":
        return SimulatedDriver(
            install_ms=settings.sim_install_ms,
            test_ms=settings.sim_test_ms,
            error_rate=settings.sim_error_rate,
            install_error_rate=settings.sim_install_error_rate,
            seed=settings.sim_seed,
            cache_size=settings.app_cache_size,
            time_scale=settings.sim_time_scale,
        )
    raise UnknownDriverError(f"QGJOB_DRIVER={settings.driver!r}: unknown driver (known: simulated)")


__all__ = ["Driver", "InfrastructureError", "LogSink", "SimulatedDriver", "load_driver"]
