from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.suite import Suite


T = TypeVar("T", bound="SuiteCancellation")


@_attrs_define
class SuiteCancellation:
    """What cancelling a suite did. Cancelling again is harmless: what is already cancelled
    or finished counts as ``already_finished``, what is stopping as ``stopping``.

        Attributes:
            suite (Suite): A suite and how far its jobs got.
            cancelled (int): Waiting jobs this request cancelled: they never run.
            stopping (int): Running jobs asked to stop: each ends `cancelled` once its worker has stopped the test
                (`cancel_requested` is true meanwhile).
            already_finished (int): Jobs that had finished (or been cancelled) before.
    """

    suite: Suite
    cancelled: int
    stopping: int
    already_finished: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        suite = self.suite.to_dict()

        cancelled = self.cancelled

        stopping = self.stopping

        already_finished = self.already_finished

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "suite": suite,
                "cancelled": cancelled,
                "stopping": stopping,
                "already_finished": already_finished,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.suite import Suite  # noqa: PLC0415

        d = dict(src_dict)
        suite = Suite.from_dict(d.pop("suite"))

        cancelled = d.pop("cancelled")

        stopping = d.pop("stopping")

        already_finished = d.pop("already_finished")

        suite_cancellation = cls(
            suite=suite,
            cancelled=cancelled,
            stopping=stopping,
            already_finished=already_finished,
        )

        suite_cancellation.additional_properties = d
        return suite_cancellation

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
