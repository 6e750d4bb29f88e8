from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dead_letter_skip import DeadLetterSkip


T = TypeVar("T", bound="DeadLetterBatch")


@_attrs_define
class DeadLetterBatch:
    """What a bulk action on dead letters did.

    Attributes:
        requeued (list[str] | Unset): Job ids queued again.
        removed (list[str] | Unset): Entry ids taken off the list.
        skipped (list[DeadLetterSkip] | Unset):
    """

    requeued: list[str] | Unset = UNSET
    removed: list[str] | Unset = UNSET
    skipped: list[DeadLetterSkip] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        requeued: list[str] | Unset = UNSET
        if not isinstance(self.requeued, Unset):
            requeued = self.requeued

        removed: list[str] | Unset = UNSET
        if not isinstance(self.removed, Unset):
            removed = self.removed

        skipped: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.skipped, Unset):
            skipped = []
            for skipped_item_data in self.skipped:
                skipped_item = skipped_item_data.to_dict()
                skipped.append(skipped_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if requeued is not UNSET:
            field_dict["requeued"] = requeued
        if removed is not UNSET:
            field_dict["removed"] = removed
        if skipped is not UNSET:
            field_dict["skipped"] = skipped

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dead_letter_skip import DeadLetterSkip  # noqa: PLC0415

        d = dict(src_dict)
        requeued = cast(list[str], d.pop("requeued", UNSET))

        removed = cast(list[str], d.pop("removed", UNSET))

        _skipped = d.pop("skipped", UNSET)
        skipped: list[DeadLetterSkip] | Unset = UNSET
        if _skipped is not UNSET:
            skipped = []
            for skipped_item_data in _skipped:
                skipped_item = DeadLetterSkip.from_dict(skipped_item_data)

                skipped.append(skipped_item)

        dead_letter_batch = cls(
            requeued=requeued,
            removed=removed,
            skipped=skipped,
        )

        dead_letter_batch.additional_properties = d
        return dead_letter_batch

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
