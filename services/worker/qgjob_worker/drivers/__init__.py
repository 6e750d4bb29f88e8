"""Drivers: the interface, its errors, and the registry that finds a driver by name."""

from __future__ import annotations

from qgjob_worker.drivers.base import (
    ConfigurationError,
    DeviceOfflineError,
    Driver,
    DriverError,
    InfrastructureError,
    LocalBuild,
    LogSink,
)
from qgjob_worker.drivers.registry import (
    DriverContext,
    UnknownDriverError,
    available,
    find_factory,
    load_driver,
)
from qgjob_worker.drivers.simulated import SimulatedDriver

__all__ = [
    "ConfigurationError",
    "DeviceOfflineError",
    "Driver",
    "DriverContext",
    "DriverError",
    "InfrastructureError",
    "LocalBuild",
    "LogSink",
    "SimulatedDriver",
    "UnknownDriverError",
    "available",
    "find_factory",
    "load_driver",
]
