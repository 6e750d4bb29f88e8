from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.priority import Priority
from ..models.target import Target
from ..types import UNSET, Unset

T = TypeVar("T", bound="SuitePayload")


@_attrs_define
class SuitePayload:
    """Tests to run against one app version; one job per test and target.

    Attributes:
        app_version_id (str): Build of the app every test runs against.
        tests (list[str]): Test files to run.
        org_id (None | str | Unset): Organisation; taken from the API token when omitted.
        targets (list[Target] | Unset): Where to run each test: one job per test and target.
        name (str | Unset): A label, e.g. the CI run. Default: ''.
        priority (Priority | Unset): Dispatch priority, lowest first.
        max_attempts (int | None | Unset):
        flaky_retries (int | Unset):  Default: 0.
    """

    app_version_id: str
    tests: list[str]
    org_id: None | str | Unset = UNSET
    targets: list[Target] | Unset = UNSET
    name: str | Unset = ""
    priority: Priority | Unset = UNSET
    max_attempts: int | None | Unset = UNSET
    flaky_retries: int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        app_version_id = self.app_version_id

        tests = self.tests

        org_id: None | str | Unset
        if isinstance(self.org_id, Unset):
            org_id = UNSET
        else:
            org_id = self.org_id

        targets: list[str] | Unset = UNSET
        if not isinstance(self.targets, Unset):
            targets = []
            for targets_item_data in self.targets:
                targets_item = targets_item_data.value
                targets.append(targets_item)

        name = self.name

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority.value

        max_attempts: int | None | Unset
        if isinstance(self.max_attempts, Unset):
            max_attempts = UNSET
        else:
            max_attempts = self.max_attempts

        flaky_retries = self.flaky_retries

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "app_version_id": app_version_id,
                "tests": tests,
            }
        )
        if org_id is not UNSET:
            field_dict["org_id"] = org_id
        if targets is not UNSET:
            field_dict["targets"] = targets
        if name is not UNSET:
            field_dict["name"] = name
        if priority is not UNSET:
            field_dict["priority"] = priority
        if max_attempts is not UNSET:
            field_dict["max_attempts"] = max_attempts
        if flaky_retries is not UNSET:
            field_dict["flaky_retries"] = flaky_retries

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        app_version_id = d.pop("app_version_id")

        tests = cast(list[str], d.pop("tests"))

        def _parse_org_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        org_id = _parse_org_id(d.pop("org_id", UNSET))

        _targets = d.pop("targets", UNSET)
        targets: list[Target] | Unset = UNSET
        if _targets is not UNSET:
            targets = []
            for targets_item_data in _targets:
                targets_item = Target(targets_item_data)

                targets.append(targets_item)

        name = d.pop("name", UNSET)

        _priority = d.pop("priority", UNSET)
        priority: Priority | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = Priority(_priority)

        def _parse_max_attempts(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_attempts = _parse_max_attempts(d.pop("max_attempts", UNSET))

        flaky_retries = d.pop("flaky_retries", UNSET)

        suite_payload = cls(
            app_version_id=app_version_id,
            tests=tests,
            org_id=org_id,
            targets=targets,
            name=name,
            priority=priority,
            max_attempts=max_attempts,
            flaky_retries=flaky_retries,
        )

        return suite_payload
