from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TestCounts")


@_attrs_define
class TestCounts:
    """Test counts from the report the test command wrote (JUnit XML or JSON).

    Attributes:
        total (int | Unset):  Default: 0.
        passed (int | Unset):  Default: 0.
        failed (int | Unset):  Default: 0.
        skipped (int | Unset):  Default: 0.
    """

    total: int | Unset = 0
    passed: int | Unset = 0
    failed: int | Unset = 0
    skipped: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        total = self.total

        passed = self.passed

        failed = self.failed

        skipped = self.skipped

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if total is not UNSET:
            field_dict["total"] = total
        if passed is not UNSET:
            field_dict["passed"] = passed
        if failed is not UNSET:
            field_dict["failed"] = failed
        if skipped is not UNSET:
            field_dict["skipped"] = skipped

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total = d.pop("total", UNSET)

        passed = d.pop("passed", UNSET)

        failed = d.pop("failed", UNSET)

        skipped = d.pop("skipped", UNSET)

        test_counts = cls(
            total=total,
            passed=passed,
            failed=failed,
            skipped=skipped,
        )

        test_counts.additional_properties = d
        return test_counts

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
