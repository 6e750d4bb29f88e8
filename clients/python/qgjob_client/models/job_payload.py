from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.priority import Priority
from ..models.target import Target
from ..types import UNSET, Unset

T = TypeVar("T", bound="JobPayload")


@_attrs_define
class JobPayload:
    """What a client submits to run one test.

    Attributes:
        app_version_id (str): Build of the app the test runs against.
        test_path (str): Test file, relative to the test repository.
        org_id (None | str | Unset): Organisation that owns the job. Taken from the API token when omitted; must be the
            token's organisation when given.
        priority (Priority | Unset): Dispatch priority, lowest first.
        target (Target | Unset): Where a test runs.
        max_attempts (int | None | Unset): Attempts allowed for infrastructure errors; the server default when omitted.
        flaky_retries (int | Unset): Reruns of a failed test; a later pass is reported as flaky. Default: 0.
        app_url (None | str | Unset): Where a worker downloads the app build when none is registered for this app
            version (`POST /v1/apps/{app_version_id}`).
    """

    app_version_id: str
    test_path: str
    org_id: None | str | Unset = UNSET
    priority: Priority | Unset = UNSET
    target: Target | Unset = UNSET
    max_attempts: int | None | Unset = UNSET
    flaky_retries: int | Unset = 0
    app_url: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        app_version_id = self.app_version_id

        test_path = self.test_path

        org_id: None | str | Unset
        if isinstance(self.org_id, Unset):
            org_id = UNSET
        else:
            org_id = self.org_id

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority.value

        target: str | Unset = UNSET
        if not isinstance(self.target, Unset):
            target = self.target.value

        max_attempts: int | None | Unset
        if isinstance(self.max_attempts, Unset):
            max_attempts = UNSET
        else:
            max_attempts = self.max_attempts

        flaky_retries = self.flaky_retries

        app_url: None | str | Unset
        if isinstance(self.app_url, Unset):
            app_url = UNSET
        else:
            app_url = self.app_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "app_version_id": app_version_id,
                "test_path": test_path,
            }
        )
        if org_id is not UNSET:
            field_dict["org_id"] = org_id
        if priority is not UNSET:
            field_dict["priority"] = priority
        if target is not UNSET:
            field_dict["target"] = target
        if max_attempts is not UNSET:
            field_dict["max_attempts"] = max_attempts
        if flaky_retries is not UNSET:
            field_dict["flaky_retries"] = flaky_retries
        if app_url is not UNSET:
            field_dict["app_url"] = app_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_version_id = d.pop("app_version_id")

        test_path = d.pop("test_path")

        def _parse_org_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        org_id = _parse_org_id(d.pop("org_id", UNSET))

        _priority = d.pop("priority", UNSET)
        priority: Priority | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = Priority(_priority)

        _target = d.pop("target", UNSET)
        target: Target | Unset
        if isinstance(_target, Unset):
            target = UNSET
        else:
            target = Target(_target)

        def _parse_max_attempts(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_attempts = _parse_max_attempts(d.pop("max_attempts", UNSET))

        flaky_retries = d.pop("flaky_retries", UNSET)

        def _parse_app_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        app_url = _parse_app_url(d.pop("app_url", UNSET))

        job_payload = cls(
            app_version_id=app_version_id,
            test_path=test_path,
            org_id=org_id,
            priority=priority,
            target=target,
            max_attempts=max_attempts,
            flaky_retries=flaky_retries,
            app_url=app_url,
        )

        return job_payload
