from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.target import Target
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.suite_counts import SuiteCounts


T = TypeVar("T", bound="Suite")


@_attrs_define
class Suite:
    """A suite and how far its jobs got.

    Attributes:
        id (str):
        org_id (str):
        app_version_id (str):
        targets (list[Target]):
        total (int): Jobs in the suite.
        created_at (datetime.datetime):
        counts (SuiteCounts): Jobs by status (statuses with none left out).
        finished (bool): Every job reached a terminal status.
        passed (bool): Finished, and every job passed (flaky passes count).
        dashboard_path (str): The suite's page in the dashboard, from the API's address: `<api>/ui/#/suites/<id>` (what
            `qgjob submit --wait` and CI print).
        name (str | Unset):  Default: ''.
        job_ids (list[str] | Unset):
    """

    id: str
    org_id: str
    app_version_id: str
    targets: list[Target]
    total: int
    created_at: datetime.datetime
    counts: SuiteCounts
    finished: bool
    passed: bool
    dashboard_path: str
    name: str | Unset = ""
    job_ids: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        org_id = self.org_id

        app_version_id = self.app_version_id

        targets = []
        for targets_item_data in self.targets:
            targets_item = targets_item_data.value
            targets.append(targets_item)

        total = self.total

        created_at = self.created_at.isoformat()

        counts = self.counts.to_dict()

        finished = self.finished

        passed = self.passed

        dashboard_path = self.dashboard_path

        name = self.name

        job_ids: list[str] | Unset = UNSET
        if not isinstance(self.job_ids, Unset):
            job_ids = self.job_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "org_id": org_id,
                "app_version_id": app_version_id,
                "targets": targets,
                "total": total,
                "created_at": created_at,
                "counts": counts,
                "finished": finished,
                "passed": passed,
                "dashboard_path": dashboard_path,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if job_ids is not UNSET:
            field_dict["job_ids"] = job_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.suite_counts import SuiteCounts  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        org_id = d.pop("org_id")

        app_version_id = d.pop("app_version_id")

        targets = []
        _targets = d.pop("targets")
        for targets_item_data in _targets:
            targets_item = Target(targets_item_data)

            targets.append(targets_item)

        total = d.pop("total")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        counts = SuiteCounts.from_dict(d.pop("counts"))

        finished = d.pop("finished")

        passed = d.pop("passed")

        dashboard_path = d.pop("dashboard_path")

        name = d.pop("name", UNSET)

        job_ids = cast(list[str], d.pop("job_ids", UNSET))

        suite = cls(
            id=id,
            org_id=org_id,
            app_version_id=app_version_id,
            targets=targets,
            total=total,
            created_at=created_at,
            counts=counts,
            finished=finished,
            passed=passed,
            dashboard_path=dashboard_path,
            name=name,
            job_ids=job_ids,
        )

        suite.additional_properties = d
        return suite

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
