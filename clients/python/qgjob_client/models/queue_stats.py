from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="QueueStats")


@_attrs_define
class QueueStats:
    """One stream read by a consumer group.

    Attributes:
        depth (int): Entries not yet acked: lag + pending. Per target: its groups not done (waiting for a worker, or
            held by one), what KEDA scales its workers on.
        lag (int): Entries no consumer has read yet.
        pending (int): Entries read but not yet acked. Per target: one per group waiting or held.
        waiting_groups (int | Unset): Per target: groups waiting for a free worker (in `pending`). Default: 0.
    """

    depth: int
    lag: int
    pending: int
    waiting_groups: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        depth = self.depth

        lag = self.lag

        pending = self.pending

        waiting_groups = self.waiting_groups

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "depth": depth,
                "lag": lag,
                "pending": pending,
            }
        )
        if waiting_groups is not UNSET:
            field_dict["waiting_groups"] = waiting_groups

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        depth = d.pop("depth")

        lag = d.pop("lag")

        pending = d.pop("pending")

        waiting_groups = d.pop("waiting_groups", UNSET)

        queue_stats = cls(
            depth=depth,
            lag=lag,
            pending=pending,
            waiting_groups=waiting_groups,
        )

        queue_stats.additional_properties = d
        return queue_stats

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
