"""Learned durations: moving averages of install times and test durations.

The store learns them in its scripts (``finish.lua`` per test result, ``installed.lua`` per
install); this is the same rule for code that runs without a store (the scheduling
benchmark's simulation), so both estimate alike:

* a test's expected duration is the average learned for its (org, target, test path), else
  the configured default (a target's average is kept for stats only: early on it holds just
  the tests that finished first, the short ones);
* a target's expected install time is its learned average, else the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def ewma(old: float | None, sample: float, alpha: float) -> float:
    """Exponentially weighted moving average; the first sample is taken as it is."""
    return sample if old is None else alpha * sample + (1 - alpha) * old


@dataclass
class Durations:
    alpha: float = 0.3
    default_test_s: float = 60.0
    default_install_s: float = 60.0
    tests: dict[tuple[str, str, str], float] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    installs: dict[str, float] = field(default_factory=dict)

    def estimate(self, org: str, target: str, path: str) -> float:
        return self.tests.get((org, target, path), self.default_test_s)

    def install(self, target: str) -> float:
        return self.installs.get(target, self.default_install_s)

    def learn_test(self, org: str, target: str, path: str, seconds: float) -> None:
        key = (org, target, path)
        self.tests[key] = ewma(self.tests.get(key), seconds, self.alpha)
        self.targets[target] = ewma(self.targets.get(target), seconds, self.alpha)

    def learn_install(self, target: str, seconds: float) -> None:
        self.installs[target] = ewma(self.installs.get(target), seconds, self.alpha)
