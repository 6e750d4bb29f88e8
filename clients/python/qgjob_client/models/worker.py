from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.target import Target
from ..models.worker_state import WorkerState
from ..types import UNSET, Unset

T = TypeVar("T", bound="Worker")


@_attrs_define
class Worker:
    """A worker as the registry reports it.

    Attributes:
        id (str):
        target (Target): Where a test runs.
        state (WorkerState):
        group_id (None | str | Unset): The group it runs now, if any.
        group_ids (list[str] | Unset): Every group it holds (more than one when capacity > 1).
        installed_versions (list[str] | Unset): App versions installed, most recently used first.
        last_heartbeat (datetime.datetime | None | Unset):
        capacity (int | Unset): Groups it runs at once. Default: 1.
        health_detail (None | str | Unset): Why the device is not ready, in the driver's words (for the adb driver,
            adb's own output), while the worker is `unhealthy`; `null` otherwise.
    """

    id: str
    target: Target
    state: WorkerState
    group_id: None | str | Unset = UNSET
    group_ids: list[str] | Unset = UNSET
    installed_versions: list[str] | Unset = UNSET
    last_heartbeat: datetime.datetime | None | Unset = UNSET
    capacity: int | Unset = 1
    health_detail: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        target = self.target.value

        state = self.state.value

        group_id: None | str | Unset
        if isinstance(self.group_id, Unset):
            group_id = UNSET
        else:
            group_id = self.group_id

        group_ids: list[str] | Unset = UNSET
        if not isinstance(self.group_ids, Unset):
            group_ids = self.group_ids

        installed_versions: list[str] | Unset = UNSET
        if not isinstance(self.installed_versions, Unset):
            installed_versions = self.installed_versions

        last_heartbeat: None | str | Unset
        if isinstance(self.last_heartbeat, Unset):
            last_heartbeat = UNSET
        elif isinstance(self.last_heartbeat, datetime.datetime):
            last_heartbeat = self.last_heartbeat.isoformat()
        else:
            last_heartbeat = self.last_heartbeat

        capacity = self.capacity

        health_detail: None | str | Unset
        if isinstance(self.health_detail, Unset):
            health_detail = UNSET
        else:
            health_detail = self.health_detail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "target": target,
                "state": state,
            }
        )
        if group_id is not UNSET:
            field_dict["group_id"] = group_id
        if group_ids is not UNSET:
            field_dict["group_ids"] = group_ids
        if installed_versions is not UNSET:
            field_dict["installed_versions"] = installed_versions
        if last_heartbeat is not UNSET:
            field_dict["last_heartbeat"] = last_heartbeat
        if capacity is not UNSET:
            field_dict["capacity"] = capacity
        if health_detail is not UNSET:
            field_dict["health_detail"] = health_detail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        target = Target(d.pop("target"))

        state = WorkerState(d.pop("state"))

        def _parse_group_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        group_id = _parse_group_id(d.pop("group_id", UNSET))

        group_ids = cast(list[str], d.pop("group_ids", UNSET))

        installed_versions = cast(list[str], d.pop("installed_versions", UNSET))

        def _parse_last_heartbeat(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_heartbeat_type_0 = datetime.datetime.fromisoformat(data)

                return last_heartbeat_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_heartbeat = _parse_last_heartbeat(d.pop("last_heartbeat", UNSET))

        capacity = d.pop("capacity", UNSET)

        def _parse_health_detail(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        health_detail = _parse_health_detail(d.pop("health_detail", UNSET))

        worker = cls(
            id=id,
            target=target,
            state=state,
            group_id=group_id,
            group_ids=group_ids,
            installed_versions=installed_versions,
            last_heartbeat=last_heartbeat,
            capacity=capacity,
            health_detail=health_detail,
        )

        worker.additional_properties = d
        return worker

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
