from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.group_state import GroupState
from ..models.priority import Priority
from ..models.target import Target
from ..types import UNSET, Unset

T = TypeVar("T", bound="JobGroup")


@_attrs_define
class JobGroup:
    """Jobs of one ``(org_id, app_version_id, target)`` that run after a single install.

    Attributes:
        id (str):
        org_id (str):
        app_version_id (str):
        target (Target): Where a test runs.
        state (GroupState): A group is ``open`` while it waits, ``dispatched`` once published to its target's
            stream, ``running`` while a worker owns it and ``done`` when every job in it ended.
        created_at (datetime.datetime):
        priority (Priority | Unset): Dispatch priority, lowest first.
        size (int | Unset):  Default: 0.
        dispatched_at (datetime.datetime | None | Unset):
        started_at (datetime.datetime | None | Unset):
        finished_at (datetime.datetime | None | Unset):
        worker_id (None | str | Unset):
        installed (bool | None | Unset): True: the app was installed for this group; false: it was already on the device
            (an install saved); null: not known yet.
        install_s (float | None | Unset): Seconds the install took.
        takeovers (int | Unset): Times another worker took the group over. Default: 0.
        job_ids (list[str] | Unset):
    """

    id: str
    org_id: str
    app_version_id: str
    target: Target
    state: GroupState
    created_at: datetime.datetime
    priority: Priority | Unset = UNSET
    size: int | Unset = 0
    dispatched_at: datetime.datetime | None | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    worker_id: None | str | Unset = UNSET
    installed: bool | None | Unset = UNSET
    install_s: float | None | Unset = UNSET
    takeovers: int | Unset = 0
    job_ids: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        org_id = self.org_id

        app_version_id = self.app_version_id

        target = self.target.value

        state = self.state.value

        created_at = self.created_at.isoformat()

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority.value

        size = self.size

        dispatched_at: None | str | Unset
        if isinstance(self.dispatched_at, Unset):
            dispatched_at = UNSET
        elif isinstance(self.dispatched_at, datetime.datetime):
            dispatched_at = self.dispatched_at.isoformat()
        else:
            dispatched_at = self.dispatched_at

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        worker_id: None | str | Unset
        if isinstance(self.worker_id, Unset):
            worker_id = UNSET
        else:
            worker_id = self.worker_id

        installed: bool | None | Unset
        if isinstance(self.installed, Unset):
            installed = UNSET
        else:
            installed = self.installed

        install_s: float | None | Unset
        if isinstance(self.install_s, Unset):
            install_s = UNSET
        else:
            install_s = self.install_s

        takeovers = self.takeovers

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
                "target": target,
                "state": state,
                "created_at": created_at,
            }
        )
        if priority is not UNSET:
            field_dict["priority"] = priority
        if size is not UNSET:
            field_dict["size"] = size
        if dispatched_at is not UNSET:
            field_dict["dispatched_at"] = dispatched_at
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if worker_id is not UNSET:
            field_dict["worker_id"] = worker_id
        if installed is not UNSET:
            field_dict["installed"] = installed
        if install_s is not UNSET:
            field_dict["install_s"] = install_s
        if takeovers is not UNSET:
            field_dict["takeovers"] = takeovers
        if job_ids is not UNSET:
            field_dict["job_ids"] = job_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        org_id = d.pop("org_id")

        app_version_id = d.pop("app_version_id")

        target = Target(d.pop("target"))

        state = GroupState(d.pop("state"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        _priority = d.pop("priority", UNSET)
        priority: Priority | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = Priority(_priority)

        size = d.pop("size", UNSET)

        def _parse_dispatched_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dispatched_at_type_0 = datetime.datetime.fromisoformat(data)

                return dispatched_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        dispatched_at = _parse_dispatched_at(d.pop("dispatched_at", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_worker_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_id = _parse_worker_id(d.pop("worker_id", UNSET))

        def _parse_installed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        installed = _parse_installed(d.pop("installed", UNSET))

        def _parse_install_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        install_s = _parse_install_s(d.pop("install_s", UNSET))

        takeovers = d.pop("takeovers", UNSET)

        job_ids = cast(list[str], d.pop("job_ids", UNSET))

        job_group = cls(
            id=id,
            org_id=org_id,
            app_version_id=app_version_id,
            target=target,
            state=state,
            created_at=created_at,
            priority=priority,
            size=size,
            dispatched_at=dispatched_at,
            started_at=started_at,
            finished_at=finished_at,
            worker_id=worker_id,
            installed=installed,
            install_s=install_s,
            takeovers=takeovers,
            job_ids=job_ids,
        )

        job_group.additional_properties = d
        return job_group

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
