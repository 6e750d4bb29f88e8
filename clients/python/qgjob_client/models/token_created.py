from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TokenCreated")


@_attrs_define
class TokenCreated:
    """The new token. ``token`` is shown once: only its hash is stored.

    Attributes:
        id (str):
        org_id (str):
        created_at (datetime.datetime):
        token (str): Send as `Authorization: Bearer <token>`.
        name (str | Unset):  Default: ''.
    """

    id: str
    org_id: str
    created_at: datetime.datetime
    token: str
    name: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        org_id = self.org_id

        created_at = self.created_at.isoformat()

        token = self.token

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "org_id": org_id,
                "created_at": created_at,
                "token": token,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        org_id = d.pop("org_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        token = d.pop("token")

        name = d.pop("name", UNSET)

        token_created = cls(
            id=id,
            org_id=org_id,
            created_at=created_at,
            token=token,
            name=name,
        )

        token_created.additional_properties = d
        return token_created

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
