from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.duration_stats import DurationStats
    from ..models.stats_jobs_by_status import StatsJobsByStatus
    from ..models.stats_jobs_by_target import StatsJobsByTarget
    from ..models.stats_jobs_finished_by_target import StatsJobsFinishedByTarget
    from ..models.stats_queues_type_0 import StatsQueuesType0
    from ..models.stats_workers_by_state_type_0 import StatsWorkersByStateType0
    from ..models.stats_workers_by_target_type_0 import StatsWorkersByTargetType0


T = TypeVar("T", bound="Stats")


@_attrs_define
class Stats:
    """
    Attributes:
        jobs_by_status (StatsJobsByStatus):
        org_id (None | str | Unset): The organisation; null: every one.
        jobs_by_target (StatsJobsByTarget | Unset):
        installs_done (int | Unset):  Default: 0.
        installs_saved (int | Unset):  Default: 0.
        groups_formed (int | Unset):  Default: 0.
        retries (int | Unset):  Default: 0.
        dead_letters (int | Unset):  Default: 0.
        jobs_per_minute (float | Unset): Jobs that reached a terminal status in the last 5 minutes / 5. Default: 0.0.
        queue_wait_p50_s (float | None | Unset): Median submit → first run, over the latest 1,000 starts.
        queue_wait_p95_s (float | None | Unset):
        queues (None | StatsQueuesType0 | Unset): Per stream (`jobs`, then each target's assignments); operators only.
        workers_by_state (None | StatsWorkersByStateType0 | Unset): Registered workers by state (`lost`: no heartbeat);
            operators only.
        groups_split (int | Unset):  Default: 0.
        preemptions (int | Unset):  Default: 0.
        durations (DurationStats | Unset): What the scheduler has learned about durations (moving averages of results):
            from the
            caller's org's runs only (an operator: every org's, or ``org_id``'s).
        jobs_finished_by_target (StatsJobsFinishedByTarget | Unset): Jobs that reached a terminal status, per target and
            status, since the store began (only grows: a requeued dead job that ends again counts again).
        workers_by_target (None | StatsWorkersByTargetType0 | Unset): Registered workers per target and state (`lost`:
            no heartbeat); operators only.
    """

    jobs_by_status: StatsJobsByStatus
    org_id: None | str | Unset = UNSET
    jobs_by_target: StatsJobsByTarget | Unset = UNSET
    installs_done: int | Unset = 0
    installs_saved: int | Unset = 0
    groups_formed: int | Unset = 0
    retries: int | Unset = 0
    dead_letters: int | Unset = 0
    jobs_per_minute: float | Unset = 0.0
    queue_wait_p50_s: float | None | Unset = UNSET
    queue_wait_p95_s: float | None | Unset = UNSET
    queues: None | StatsQueuesType0 | Unset = UNSET
    workers_by_state: None | StatsWorkersByStateType0 | Unset = UNSET
    groups_split: int | Unset = 0
    preemptions: int | Unset = 0
    durations: DurationStats | Unset = UNSET
    jobs_finished_by_target: StatsJobsFinishedByTarget | Unset = UNSET
    workers_by_target: None | StatsWorkersByTargetType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.stats_queues_type_0 import StatsQueuesType0  # noqa: PLC0415
        from ..models.stats_workers_by_state_type_0 import StatsWorkersByStateType0  # noqa: PLC0415
        from ..models.stats_workers_by_target_type_0 import StatsWorkersByTargetType0  # noqa: PLC0415

        jobs_by_status = self.jobs_by_status.to_dict()

        org_id: None | str | Unset
        if isinstance(self.org_id, Unset):
            org_id = UNSET
        else:
            org_id = self.org_id

        jobs_by_target: dict[str, Any] | Unset = UNSET
        if not isinstance(self.jobs_by_target, Unset):
            jobs_by_target = self.jobs_by_target.to_dict()

        installs_done = self.installs_done

        installs_saved = self.installs_saved

        groups_formed = self.groups_formed

        retries = self.retries

        dead_letters = self.dead_letters

        jobs_per_minute = self.jobs_per_minute

        queue_wait_p50_s: float | None | Unset
        if isinstance(self.queue_wait_p50_s, Unset):
            queue_wait_p50_s = UNSET
        else:
            queue_wait_p50_s = self.queue_wait_p50_s

        queue_wait_p95_s: float | None | Unset
        if isinstance(self.queue_wait_p95_s, Unset):
            queue_wait_p95_s = UNSET
        else:
            queue_wait_p95_s = self.queue_wait_p95_s

        queues: dict[str, Any] | None | Unset
        if isinstance(self.queues, Unset):
            queues = UNSET
        elif isinstance(self.queues, StatsQueuesType0):
            queues = self.queues.to_dict()
        else:
            queues = self.queues

        workers_by_state: dict[str, Any] | None | Unset
        if isinstance(self.workers_by_state, Unset):
            workers_by_state = UNSET
        elif isinstance(self.workers_by_state, StatsWorkersByStateType0):
            workers_by_state = self.workers_by_state.to_dict()
        else:
            workers_by_state = self.workers_by_state

        groups_split = self.groups_split

        preemptions = self.preemptions

        durations: dict[str, Any] | Unset = UNSET
        if not isinstance(self.durations, Unset):
            durations = self.durations.to_dict()

        jobs_finished_by_target: dict[str, Any] | Unset = UNSET
        if not isinstance(self.jobs_finished_by_target, Unset):
            jobs_finished_by_target = self.jobs_finished_by_target.to_dict()

        workers_by_target: dict[str, Any] | None | Unset
        if isinstance(self.workers_by_target, Unset):
            workers_by_target = UNSET
        elif isinstance(self.workers_by_target, StatsWorkersByTargetType0):
            workers_by_target = self.workers_by_target.to_dict()
        else:
            workers_by_target = self.workers_by_target

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "jobs_by_status": jobs_by_status,
            }
        )
        if org_id is not UNSET:
            field_dict["org_id"] = org_id
        if jobs_by_target is not UNSET:
            field_dict["jobs_by_target"] = jobs_by_target
        if installs_done is not UNSET:
            field_dict["installs_done"] = installs_done
        if installs_saved is not UNSET:
            field_dict["installs_saved"] = installs_saved
        if groups_formed is not UNSET:
            field_dict["groups_formed"] = groups_formed
        if retries is not UNSET:
            field_dict["retries"] = retries
        if dead_letters is not UNSET:
            field_dict["dead_letters"] = dead_letters
        if jobs_per_minute is not UNSET:
            field_dict["jobs_per_minute"] = jobs_per_minute
        if queue_wait_p50_s is not UNSET:
            field_dict["queue_wait_p50_s"] = queue_wait_p50_s
        if queue_wait_p95_s is not UNSET:
            field_dict["queue_wait_p95_s"] = queue_wait_p95_s
        if queues is not UNSET:
            field_dict["queues"] = queues
        if workers_by_state is not UNSET:
            field_dict["workers_by_state"] = workers_by_state
        if groups_split is not UNSET:
            field_dict["groups_split"] = groups_split
        if preemptions is not UNSET:
            field_dict["preemptions"] = preemptions
        if durations is not UNSET:
            field_dict["durations"] = durations
        if jobs_finished_by_target is not UNSET:
            field_dict["jobs_finished_by_target"] = jobs_finished_by_target
        if workers_by_target is not UNSET:
            field_dict["workers_by_target"] = workers_by_target

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.duration_stats import DurationStats  # noqa: PLC0415
        from ..models.stats_jobs_by_status import StatsJobsByStatus  # noqa: PLC0415
        from ..models.stats_jobs_by_target import StatsJobsByTarget  # noqa: PLC0415
        from ..models.stats_jobs_finished_by_target import StatsJobsFinishedByTarget  # noqa: PLC0415
        from ..models.stats_queues_type_0 import StatsQueuesType0  # noqa: PLC0415
        from ..models.stats_workers_by_state_type_0 import StatsWorkersByStateType0  # noqa: PLC0415
        from ..models.stats_workers_by_target_type_0 import StatsWorkersByTargetType0  # noqa: PLC0415

        d = dict(src_dict)
        jobs_by_status = StatsJobsByStatus.from_dict(d.pop("jobs_by_status"))

        def _parse_org_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        org_id = _parse_org_id(d.pop("org_id", UNSET))

        _jobs_by_target = d.pop("jobs_by_target", UNSET)
        jobs_by_target: StatsJobsByTarget | Unset
        if isinstance(_jobs_by_target, Unset):
            jobs_by_target = UNSET
        else:
            jobs_by_target = StatsJobsByTarget.from_dict(_jobs_by_target)

        installs_done = d.pop("installs_done", UNSET)

        installs_saved = d.pop("installs_saved", UNSET)

        groups_formed = d.pop("groups_formed", UNSET)

        retries = d.pop("retries", UNSET)

        dead_letters = d.pop("dead_letters", UNSET)

        jobs_per_minute = d.pop("jobs_per_minute", UNSET)

        def _parse_queue_wait_p50_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        queue_wait_p50_s = _parse_queue_wait_p50_s(d.pop("queue_wait_p50_s", UNSET))

        def _parse_queue_wait_p95_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        queue_wait_p95_s = _parse_queue_wait_p95_s(d.pop("queue_wait_p95_s", UNSET))

        def _parse_queues(data: object) -> None | StatsQueuesType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                queues_type_0 = StatsQueuesType0.from_dict(data)

                return queues_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StatsQueuesType0 | Unset, data)

        queues = _parse_queues(d.pop("queues", UNSET))

        def _parse_workers_by_state(data: object) -> None | StatsWorkersByStateType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                workers_by_state_type_0 = StatsWorkersByStateType0.from_dict(data)

                return workers_by_state_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StatsWorkersByStateType0 | Unset, data)

        workers_by_state = _parse_workers_by_state(d.pop("workers_by_state", UNSET))

        groups_split = d.pop("groups_split", UNSET)

        preemptions = d.pop("preemptions", UNSET)

        _durations = d.pop("durations", UNSET)
        durations: DurationStats | Unset
        if isinstance(_durations, Unset):
            durations = UNSET
        else:
            durations = DurationStats.from_dict(_durations)

        _jobs_finished_by_target = d.pop("jobs_finished_by_target", UNSET)
        jobs_finished_by_target: StatsJobsFinishedByTarget | Unset
        if isinstance(_jobs_finished_by_target, Unset):
            jobs_finished_by_target = UNSET
        else:
            jobs_finished_by_target = StatsJobsFinishedByTarget.from_dict(_jobs_finished_by_target)

        def _parse_workers_by_target(data: object) -> None | StatsWorkersByTargetType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                workers_by_target_type_0 = StatsWorkersByTargetType0.from_dict(data)

                return workers_by_target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | StatsWorkersByTargetType0 | Unset, data)

        workers_by_target = _parse_workers_by_target(d.pop("workers_by_target", UNSET))

        stats = cls(
            jobs_by_status=jobs_by_status,
            org_id=org_id,
            jobs_by_target=jobs_by_target,
            installs_done=installs_done,
            installs_saved=installs_saved,
            groups_formed=groups_formed,
            retries=retries,
            dead_letters=dead_letters,
            jobs_per_minute=jobs_per_minute,
            queue_wait_p50_s=queue_wait_p50_s,
            queue_wait_p95_s=queue_wait_p95_s,
            queues=queues,
            workers_by_state=workers_by_state,
            groups_split=groups_split,
            preemptions=preemptions,
            durations=durations,
            jobs_finished_by_target=jobs_finished_by_target,
            workers_by_target=workers_by_target,
        )

        stats.additional_properties = d
        return stats

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
