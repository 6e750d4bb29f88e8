"""The issue's targets for qgjob's policy, checked against the figures of a run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench.scheduling.report import (
    INSTALL_FACTOR,
    MAX_RATIO,
    ORG_B_WAIT_S,
    RERUN_SHARE,
    Row,
    devices_needed,
    min_installs,
    org_b_bound,
)
from bench.scheduling.workloads import INSTALL_S, TEST_MEDIAN_S, Workload

URGENT_WAIT_S = TEST_MEDIAN_S + INSTALL_S
"""One test (the median duration) plus an install."""


@dataclass(frozen=True)
class Check:
    what: str
    figure: str
    met: bool
    note: str = ""

    def line(self) -> str:
        mark = "met" if self.met else "NOT MET"
        return f"- {self.what}: {self.figure} — {mark}" + (f" ({self.note})" if self.note else "")


def checks(workloads: Mapping[str, Workload], rows: Sequence[Row]) -> list[Check]:
    by = {(r.workload, r.policy): r for r in rows}
    out: list[Check] = []
    for name in workloads:
        q = by.get((name, "qgjob"))
        if q is None:
            continue
        out.append(
            Check(f"{name} makespan <= {MAX_RATIO} x bound", f"{q.ratio:.3f}", q.ratio <= MAX_RATIO)
        )
        others = [r.makespan for (n, p), r in by.items() if n == name and p != "qgjob"]
        if others:
            better = min(others)
            out.append(
                Check(
                    f"{name} makespan <= the better baseline",
                    f"{q.makespan:,.0f} s vs {better:,.0f} s",
                    q.makespan <= better,
                )
            )
    out += _installs(workloads, by)
    out += _waits(workloads, by)
    return out


def _installs(workloads: Mapping[str, Workload], by: Mapping[tuple[str, str], Row]) -> list[Check]:
    out = []
    for name in ("W1", "W2"):
        q, w = by.get((name, "qgjob")), workloads.get(name)
        if q is None or w is None:
            continue
        least = min_installs(w)
        ratio = q.installs / least
        note = ""
        if ratio > INSTALL_FACTOR:
            need = devices_needed(w, q.bound)
            note = (
                f"no schedule can meet both this and makespan <= {MAX_RATIO} x bound: that "
                f"needs at least {need} devices, each installing once; against {need} "
                f"installs the figure is {q.installs / need:.2f} x"
            )
        out.append(
            Check(
                f"{name} installs <= {INSTALL_FACTOR} x minimum ({least}, one per version)",
                f"{q.installs} = {ratio:.2f} x",
                ratio <= INSTALL_FACTOR,
                note,
            )
        )
    return out


def _waits(workloads: Mapping[str, Workload], by: Mapping[tuple[str, str], Row]) -> list[Check]:
    out = []
    q4, w4 = by.get(("W4", "qgjob")), workloads.get("W4")
    if q4 is not None and w4 is not None and q4.p95_org_b is not None:
        bound = org_b_bound(w4)
        note = ""
        if bound is not None and bound >= ORG_B_WAIT_S:
            note = (
                f"no schedule can: even with all {sum(w4.workers.values())} workers B's the "
                f"moment it submits, B's p95 wait is {bound:,.0f} s (install, then its tests)"
            )
        out.append(
            Check(
                f"W4 org B p95 wait < {ORG_B_WAIT_S:.0f} s",
                f"{q4.p95_org_b:,.0f} s",
                q4.p95_org_b < ORG_B_WAIT_S,
                note,
            )
        )
    q5 = by.get(("W5", "qgjob"))
    if q5 is not None and q5.p95_urgent is not None:
        out.append(
            Check(
                f"W5 urgent p95 wait <= one test ({TEST_MEDIAN_S:.0f} s median) + an install "
                f"({INSTALL_S:.0f} s)",
                f"{q5.p95_urgent:,.0f} s",
                q5.p95_urgent <= URGENT_WAIT_S,
            )
        )
    q6 = by.get(("W6", "qgjob"))
    if q6 is not None and q6.second_run_installs is not None and q6.first_run_installs:
        share = q6.second_run_installs / q6.first_run_installs
        out.append(
            Check(
                f"W6 second run installs <= {RERUN_SHARE:.0%} of the first",
                f"{q6.second_run_installs} of {q6.first_run_installs} = {share:.1%}",
                share <= RERUN_SHARE,
            )
        )
    return out
