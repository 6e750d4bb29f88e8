from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeadLetterSelection")


@_attrs_define
class DeadLetterSelection:
    """Which dead letters a bulk action takes: the ones named, or every one in view.

    Attributes:
        ids (list[str] | None | Unset): Entry ids or job ids (a job id takes every entry of that job).
        all_ (bool | Unset): Every dead letter of the token's org (an operator's: of `org_id`, or all). Default: False.
    """

    ids: list[str] | None | Unset = UNSET
    all_: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        ids: list[str] | None | Unset
        if isinstance(self.ids, Unset):
            ids = UNSET
        elif isinstance(self.ids, list):
            ids = self.ids

        else:
            ids = self.ids

        all_ = self.all_

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if ids is not UNSET:
            field_dict["ids"] = ids
        if all_ is not UNSET:
            field_dict["all"] = all_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                ids_type_0 = cast(list[str], data)

                return ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        ids = _parse_ids(d.pop("ids", UNSET))

        all_ = d.pop("all", UNSET)

        dead_letter_selection = cls(
            ids=ids,
            all_=all_,
        )

        return dead_letter_selection
