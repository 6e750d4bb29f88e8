from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TimelinePoint")


@_attrs_define
class TimelinePoint:
    """Jobs that reached a terminal status during one minute.

    Attributes:
        at (datetime.datetime): Start of the minute (UTC).
        finished (int): Jobs that reached a terminal status in this minute.
        passed (int | Unset):  Default: 0.
        failed (int | Unset):  Default: 0.
        dead (int | Unset):  Default: 0.
        cancelled (int | Unset):  Default: 0.
    """

    at: datetime.datetime
    finished: int
    passed: int | Unset = 0
    failed: int | Unset = 0
    dead: int | Unset = 0
    cancelled: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        finished = self.finished

        passed = self.passed

        failed = self.failed

        dead = self.dead

        cancelled = self.cancelled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "finished": finished,
            }
        )
        if passed is not UNSET:
            field_dict["passed"] = passed
        if failed is not UNSET:
            field_dict["failed"] = failed
        if dead is not UNSET:
            field_dict["dead"] = dead
        if cancelled is not UNSET:
            field_dict["cancelled"] = cancelled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        finished = d.pop("finished")

        passed = d.pop("passed", UNSET)

        failed = d.pop("failed", UNSET)

        dead = d.pop("dead", UNSET)

        cancelled = d.pop("cancelled", UNSET)

        timeline_point = cls(
            at=at,
            finished=finished,
            passed=passed,
            failed=failed,
            dead=dead,
            cancelled=cancelled,
        )

        timeline_point.additional_properties = d
        return timeline_point

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
