from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.outcome import Outcome
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.test_counts import TestCounts


T = TypeVar("T", bound="JobResult")


@_attrs_define
class JobResult:
    """What the last run of a job produced.

    Attributes:
        outcome (Outcome): What a driver reports for one run of a test.
        message (str | Unset):  Default: ''.
        duration_s (float | Unset): Seconds of the last run. Default: 0.0.
        total_s (float | Unset): Seconds of all runs (reruns of a flaky test included); the job's duration everywhere
            qgjob shows one. Default: 0.0.
        flaky (bool | Unset):  Default: False.
        runs (int | Unset):  Default: 1.
        log_tail (str | Unset):  Default: ''.
        retryable (bool | Unset): For an `error`: whether another attempt may help. A configuration error (credentials
            refused, a build no device can install) is not retried. Default: True.
        counts (None | TestCounts | Unset): Test counts, when the test command wrote a report.
    """

    outcome: Outcome
    message: str | Unset = ""
    duration_s: float | Unset = 0.0
    total_s: float | Unset = 0.0
    flaky: bool | Unset = False
    runs: int | Unset = 1
    log_tail: str | Unset = ""
    retryable: bool | Unset = True
    counts: None | TestCounts | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.test_counts import TestCounts  # noqa: PLC0415

        outcome = self.outcome.value

        message = self.message

        duration_s = self.duration_s

        total_s = self.total_s

        flaky = self.flaky

        runs = self.runs

        log_tail = self.log_tail

        retryable = self.retryable

        counts: dict[str, Any] | None | Unset
        if isinstance(self.counts, Unset):
            counts = UNSET
        elif isinstance(self.counts, TestCounts):
            counts = self.counts.to_dict()
        else:
            counts = self.counts

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "outcome": outcome,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message
        if duration_s is not UNSET:
            field_dict["duration_s"] = duration_s
        if total_s is not UNSET:
            field_dict["total_s"] = total_s
        if flaky is not UNSET:
            field_dict["flaky"] = flaky
        if runs is not UNSET:
            field_dict["runs"] = runs
        if log_tail is not UNSET:
            field_dict["log_tail"] = log_tail
        if retryable is not UNSET:
            field_dict["retryable"] = retryable
        if counts is not UNSET:
            field_dict["counts"] = counts

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.test_counts import TestCounts  # noqa: PLC0415

        d = dict(src_dict)
        outcome = Outcome(d.pop("outcome"))

        message = d.pop("message", UNSET)

        duration_s = d.pop("duration_s", UNSET)

        total_s = d.pop("total_s", UNSET)

        flaky = d.pop("flaky", UNSET)

        runs = d.pop("runs", UNSET)

        log_tail = d.pop("log_tail", UNSET)

        retryable = d.pop("retryable", UNSET)

        def _parse_counts(data: object) -> None | TestCounts | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                counts_type_0 = TestCounts.from_dict(data)

                return counts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TestCounts | Unset, data)

        counts = _parse_counts(d.pop("counts", UNSET))

        job_result = cls(
            outcome=outcome,
            message=message,
            duration_s=duration_s,
            total_s=total_s,
            flaky=flaky,
            runs=runs,
            log_tail=log_tail,
            retryable=retryable,
            counts=counts,
        )

        job_result.additional_properties = d
        return job_result

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
