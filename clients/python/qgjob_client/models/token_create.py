from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TokenCreate")


@_attrs_define
class TokenCreate:
    """What an operator asks for: a token for one organisation.

    Attributes:
        org_id (str): Organisation the token acts for.
        name (str | Unset): A label for operators. Default: ''.
    """

    org_id: str
    name: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        org_id = self.org_id

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "org_id": org_id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        org_id = d.pop("org_id")

        name = d.pop("name", UNSET)

        token_create = cls(
            org_id=org_id,
            name=name,
        )

        return token_create
