from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dead_letter_raw_type_0 import DeadLetterRawType0


T = TypeVar("T", bound="DeadLetter")


@_attrs_define
class DeadLetter:
    """A job that ran out of attempts (or a poison stream entry), with its last error.

    Attributes:
        id (str):
        reason (str):
        at (datetime.datetime):
        job_id (None | str | Unset):
        org_id (None | str | Unset):
        test_path (None | str | Unset): The job's test, while its record lives (none for poison).
        attempts (int | Unset):  Default: 0.
        last_error (None | str | Unset):
        log_tail (str | Unset):  Default: ''.
        raw (DeadLetterRawType0 | None | Unset):
    """

    id: str
    reason: str
    at: datetime.datetime
    job_id: None | str | Unset = UNSET
    org_id: None | str | Unset = UNSET
    test_path: None | str | Unset = UNSET
    attempts: int | Unset = 0
    last_error: None | str | Unset = UNSET
    log_tail: str | Unset = ""
    raw: DeadLetterRawType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.dead_letter_raw_type_0 import DeadLetterRawType0  # noqa: PLC0415

        id = self.id

        reason = self.reason

        at = self.at.isoformat()

        job_id: None | str | Unset
        if isinstance(self.job_id, Unset):
            job_id = UNSET
        else:
            job_id = self.job_id

        org_id: None | str | Unset
        if isinstance(self.org_id, Unset):
            org_id = UNSET
        else:
            org_id = self.org_id

        test_path: None | str | Unset
        if isinstance(self.test_path, Unset):
            test_path = UNSET
        else:
            test_path = self.test_path

        attempts = self.attempts

        last_error: None | str | Unset
        if isinstance(self.last_error, Unset):
            last_error = UNSET
        else:
            last_error = self.last_error

        log_tail = self.log_tail

        raw: dict[str, Any] | None | Unset
        if isinstance(self.raw, Unset):
            raw = UNSET
        elif isinstance(self.raw, DeadLetterRawType0):
            raw = self.raw.to_dict()
        else:
            raw = self.raw

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "reason": reason,
                "at": at,
            }
        )
        if job_id is not UNSET:
            field_dict["job_id"] = job_id
        if org_id is not UNSET:
            field_dict["org_id"] = org_id
        if test_path is not UNSET:
            field_dict["test_path"] = test_path
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if last_error is not UNSET:
            field_dict["last_error"] = last_error
        if log_tail is not UNSET:
            field_dict["log_tail"] = log_tail
        if raw is not UNSET:
            field_dict["raw"] = raw

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dead_letter_raw_type_0 import DeadLetterRawType0  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        reason = d.pop("reason")

        at = datetime.datetime.fromisoformat(d.pop("at"))

        def _parse_job_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        job_id = _parse_job_id(d.pop("job_id", UNSET))

        def _parse_org_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        org_id = _parse_org_id(d.pop("org_id", UNSET))

        def _parse_test_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        test_path = _parse_test_path(d.pop("test_path", UNSET))

        attempts = d.pop("attempts", UNSET)

        def _parse_last_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_error = _parse_last_error(d.pop("last_error", UNSET))

        log_tail = d.pop("log_tail", UNSET)

        def _parse_raw(data: object) -> DeadLetterRawType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                raw_type_0 = DeadLetterRawType0.from_dict(data)

                return raw_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeadLetterRawType0 | None | Unset, data)

        raw = _parse_raw(d.pop("raw", UNSET))

        dead_letter = cls(
            id=id,
            reason=reason,
            at=at,
            job_id=job_id,
            org_id=org_id,
            test_path=test_path,
            attempts=attempts,
            last_error=last_error,
            log_tail=log_tail,
            raw=raw,
        )

        dead_letter.additional_properties = d
        return dead_letter

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
