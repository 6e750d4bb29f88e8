from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_status import JobStatus
from ..models.priority import Priority
from ..models.target import Target
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.job_result import JobResult


T = TypeVar("T", bound="Job")


@_attrs_define
class Job:
    """A job record as the API reports it.

    Attributes:
        id (str):
        org_id (str):
        app_version_id (str):
        test_path (str):
        priority (Priority): Dispatch priority, lowest first.
        target (Target): Where a test runs.
        status (JobStatus): Lifecycle of a job. ``passed``, ``failed``, ``dead`` and ``cancelled`` are terminal.
        max_attempts (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        flaky (bool): Passed only on a rerun of a failed test (see `result.runs`).
        flaky_retries (int | Unset):  Default: 0.
        app_url (None | str | Unset):
        attempts (int | Unset):  Default: 0.
        started_at (datetime.datetime | None | Unset):
        finished_at (datetime.datetime | None | Unset):
        worker_id (None | str | Unset):
        group_id (None | str | Unset):
        suite_id (None | str | Unset):
        result (JobResult | None | Unset):
        error (None | str | Unset):
        cancel_requested (bool | Unset):  Default: False.
    """

    id: str
    org_id: str
    app_version_id: str
    test_path: str
    priority: Priority
    target: Target
    status: JobStatus
    max_attempts: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    flaky: bool
    flaky_retries: int | Unset = 0
    app_url: None | str | Unset = UNSET
    attempts: int | Unset = 0
    started_at: datetime.datetime | None | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    worker_id: None | str | Unset = UNSET
    group_id: None | str | Unset = UNSET
    suite_id: None | str | Unset = UNSET
    result: JobResult | None | Unset = UNSET
    error: None | str | Unset = UNSET
    cancel_requested: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.job_result import JobResult  # noqa: PLC0415

        id = self.id

        org_id = self.org_id

        app_version_id = self.app_version_id

        test_path = self.test_path

        priority = self.priority.value

        target = self.target.value

        status = self.status.value

        max_attempts = self.max_attempts

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        flaky = self.flaky

        flaky_retries = self.flaky_retries

        app_url: None | str | Unset
        if isinstance(self.app_url, Unset):
            app_url = UNSET
        else:
            app_url = self.app_url

        attempts = self.attempts

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

        result: dict[str, Any] | None | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        elif isinstance(self.result, JobResult):
            result = self.result.to_dict()
        else:
            result = self.result

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        cancel_requested = self.cancel_requested

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "org_id": org_id,
                "app_version_id": app_version_id,
                "test_path": test_path,
                "priority": priority,
                "target": target,
                "status": status,
                "max_attempts": max_attempts,
                "created_at": created_at,
                "updated_at": updated_at,
                "flaky": flaky,
            }
        )
        if flaky_retries is not UNSET:
            field_dict["flaky_retries"] = flaky_retries
        if app_url is not UNSET:
            field_dict["app_url"] = app_url
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if worker_id is not UNSET:
            field_dict["worker_id"] = worker_id
        if group_id is not UNSET:
            field_dict["group_id"] = group_id
        if suite_id is not UNSET:
            field_dict["suite_id"] = suite_id
        if result is not UNSET:
            field_dict["result"] = result
        if error is not UNSET:
            field_dict["error"] = error
        if cancel_requested is not UNSET:
            field_dict["cancel_requested"] = cancel_requested

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_result import JobResult  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        org_id = d.pop("org_id")

        app_version_id = d.pop("app_version_id")

        test_path = d.pop("test_path")

        priority = Priority(d.pop("priority"))

        target = Target(d.pop("target"))

        status = JobStatus(d.pop("status"))

        max_attempts = d.pop("max_attempts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        flaky = d.pop("flaky")

        flaky_retries = d.pop("flaky_retries", UNSET)

        def _parse_app_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        app_url = _parse_app_url(d.pop("app_url", UNSET))

        attempts = d.pop("attempts", UNSET)

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

        def _parse_result(data: object) -> JobResult | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                result_type_0 = JobResult.from_dict(data)

                return result_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobResult | None | Unset, data)

        result = _parse_result(d.pop("result", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        cancel_requested = d.pop("cancel_requested", UNSET)

        job = cls(
            id=id,
            org_id=org_id,
            app_version_id=app_version_id,
            test_path=test_path,
            priority=priority,
            target=target,
            status=status,
            max_attempts=max_attempts,
            created_at=created_at,
            updated_at=updated_at,
            flaky=flaky,
            flaky_retries=flaky_retries,
            app_url=app_url,
            attempts=attempts,
            started_at=started_at,
            finished_at=finished_at,
            worker_id=worker_id,
            group_id=group_id,
            suite_id=suite_id,
            result=result,
            error=error,
            cancel_requested=cancel_requested,
        )

        job.additional_properties = d
        return job

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
