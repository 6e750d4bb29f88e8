from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_status import JobStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="JobEvent")


@_attrs_define
class JobEvent:
    """
    Attributes:
        id (str):
        job_id (str):
        org_id (str):
        status (JobStatus): Lifecycle of a job. ``passed``, ``failed``, ``dead`` and ``cancelled`` are terminal.
        at (datetime.datetime):
        group_id (None | str | Unset):
        suite_id (None | str | Unset):
        worker_id (None | str | Unset):
        attempt (int | None | Unset):
        message (None | str | Unset):
    """

    id: str
    job_id: str
    org_id: str
    status: JobStatus
    at: datetime.datetime
    group_id: None | str | Unset = UNSET
    suite_id: None | str | Unset = UNSET
    worker_id: None | str | Unset = UNSET
    attempt: int | None | Unset = UNSET
    message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        job_id = self.job_id

        org_id = self.org_id

        status = self.status.value

        at = self.at.isoformat()

        group_id: None | str | Unset
        if isinstance(self.group_id, Unset):
            group_id = UNSET
        else:
            group_id = self.group_id

        suite_id: None | str | Unset
        if isinstance(self.suite_id, Unset):
            suite_id = UNSET
        else:
            suite_id = self.suite_id

        worker_id: None | str | Unset
        if isinstance(self.worker_id, Unset):
            worker_id = UNSET
        else:
            worker_id = self.worker_id

        attempt: int | None | Unset
        if isinstance(self.attempt, Unset):
            attempt = UNSET
        else:
            attempt = self.attempt

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "job_id": job_id,
                "org_id": org_id,
                "status": status,
                "at": at,
            }
        )
        if group_id is not UNSET:
            field_dict["group_id"] = group_id
        if suite_id is not UNSET:
            field_dict["suite_id"] = suite_id
        if worker_id is not UNSET:
            field_dict["worker_id"] = worker_id
        if attempt is not UNSET:
            field_dict["attempt"] = attempt
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        job_id = d.pop("job_id")

        org_id = d.pop("org_id")

        status = JobStatus(d.pop("status"))

        at = datetime.datetime.fromisoformat(d.pop("at"))

        def _parse_group_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        group_id = _parse_group_id(d.pop("group_id", UNSET))

        def _parse_suite_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        suite_id = _parse_suite_id(d.pop("suite_id", UNSET))

        def _parse_worker_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_id = _parse_worker_id(d.pop("worker_id", UNSET))

        def _parse_attempt(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        attempt = _parse_attempt(d.pop("attempt", UNSET))

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        job_event = cls(
            id=id,
            job_id=job_id,
            org_id=org_id,
            status=status,
            at=at,
            group_id=group_id,
            suite_id=suite_id,
            worker_id=worker_id,
            attempt=attempt,
            message=message,
        )

        job_event.additional_properties = d
        return job_event

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
