from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.duration_stats_install_s import DurationStatsInstallS
    from ..models.duration_stats_test_s import DurationStatsTestS


T = TypeVar("T", bound="DurationStats")


@_attrs_define
class DurationStats:
    """What the scheduler has learned about durations (moving averages of results): from the
    caller's org's runs only (an operator: every org's, or ``org_id``'s).

        Attributes:
            install_s (DurationStatsInstallS | Unset): Expected install time per target, in seconds.
            test_s (DurationStatsTestS | Unset): Average test duration per target, in seconds.
            tests_known (int | Unset): (org, test path, target) whose duration has been learned. Default: 0.
    """

    install_s: DurationStatsInstallS | Unset = UNSET
    test_s: DurationStatsTestS | Unset = UNSET
    tests_known: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        install_s: dict[str, Any] | Unset = UNSET
        if not isinstance(self.install_s, Unset):
            install_s = self.install_s.to_dict()

        test_s: dict[str, Any] | Unset = UNSET
        if not isinstance(self.test_s, Unset):
            test_s = self.test_s.to_dict()

        tests_known = self.tests_known

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if install_s is not UNSET:
            field_dict["install_s"] = install_s
        if test_s is not UNSET:
            field_dict["test_s"] = test_s
        if tests_known is not UNSET:
            field_dict["tests_known"] = tests_known

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.duration_stats_install_s import DurationStatsInstallS  # noqa: PLC0415
        from ..models.duration_stats_test_s import DurationStatsTestS  # noqa: PLC0415

        d = dict(src_dict)
        _install_s = d.pop("install_s", UNSET)
        install_s: DurationStatsInstallS | Unset
        if isinstance(_install_s, Unset):
            install_s = UNSET
        else:
            install_s = DurationStatsInstallS.from_dict(_install_s)

        _test_s = d.pop("test_s", UNSET)
        test_s: DurationStatsTestS | Unset
        if isinstance(_test_s, Unset):
            test_s = UNSET
        else:
            test_s = DurationStatsTestS.from_dict(_test_s)

        tests_known = d.pop("tests_known", UNSET)

        duration_stats = cls(
            install_s=install_s,
            test_s=test_s,
            tests_known=tests_known,
        )

        duration_stats.additional_properties = d
        return duration_stats

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
