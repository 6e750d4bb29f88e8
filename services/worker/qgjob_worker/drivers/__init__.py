"""Drivers: the interface, its errors, and the registry that finds a driver by name."""

from __future__ import annotations

from qgjob_worker.drivers.base import (
    READY,
    ConfigurationError,
    DeviceHealth,
    DeviceOfflineError,
    Driver,
    DriverError,
    InfrastructureError,
    LocalBuild,
    LogSink,
    not_ready,
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
    "READY",
    "ConfigurationError",
    "DeviceHealth",
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
    "not_ready",
]
