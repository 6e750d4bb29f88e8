"""Every Redis key, stream and consumer-group name qgjob uses, in one place.

All keys start with ``{<prefix>}:`` so they share one hash tag (one slot). Each script
declares in its header the keys it knows before it runs and gets them in ``KEYS`` (see
:mod:`qgjob_store.script_keys`), so a cluster client routes it to the node of that slot;
the keys it finds inside (a job of a group's list) it names from the key base, ``ARGV[1]``,
with the same templates. The Lua names come from :data:`TEMPLATES` (see
:func:`lua_key_names`); no other module spells a key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SCHEDULER_GROUP = "schedulers"
"""Consumer group of the scheduler replicas on the jobs stream."""

WORKER_GROUP = "workers"
"""Consumer group of a target's workers on its assignment stream (each reads it under its own
worker id)."""

HOLDING_CONSUMER = "~waiting"
"""The consumer of :data:`WORKER_GROUP` whose pending list holds the groups waiting for the
scheduler (a dispatch claims the group's entry from it into the chosen worker's). No worker
id can be this name: ids start with a letter or a digit (``qgjob_schemas.ID_PATTERN``)."""

TEMPLATES: dict[str, str] = {
    # job records and indexes
    "job": "job:{}",
    "job_log": "job:{}:log",
    "idx_all": "idx:jobs",
    "idx_org": "idx:org:{}",
    # streams
    "jobs_stream": "stream:jobs",
    # a lane came free: schedulers plan at once (read without a group, trimmed by length)
    "wake": "stream:wake",
    "events": "stream:events",
    "dead": "stream:dead",
    # the same entries (same ids) of one org: an org's reads cost what its own data costs
    "events_org": "stream:events:org:{}",
    "dead_org": "stream:dead:org:{}",
    # the same events again of one suite (a stream), and the ids of one job's events in
    # its org's stream (a list: a stream per job would cost a 4 KB node per job)
    "events_suite": "stream:events:suite:{}",
    "job_events": "job:{}:events",
    # a target's assignments: one entry per group for the group's whole life, pending in
    # the consumer group WORKER_GROUP under HOLDING_CONSUMER while it waits, under a worker's
    # id while that worker holds it; acked when the group ends
    "assign": "stream:assign:{}",
    # a worker is told that a group was given to it (a short list it blocks on)
    "worker_wake": "worker:{}:wake",
    # retries waiting for their backoff to pass: zset job id -> due time
    "delayed": "delayed",
    # groups
    "group": "group:{}",
    "group_jobs": "group:{}:jobs",
    "group_cancel": "group:{}:cancel",
    "open_groups": "groups:open",
    "pending_groups": "groups:pending",
    "group_seq": "seq:group",
    # workers
    "worker": "worker:{}",
    "heartbeat": "worker:{}:hb",
    "workers": "workers",
    "target_workers": "workers:{}",
    "worker_groups": "worker:{}:groups",
    # recover's indexes, kept by the scripts that change what they index, so that a recover
    # call costs what changed rather than the number of workers: each worker by when its
    # heartbeat key expires (heartbeat.lua); unhealthy workers by when recover looks at them
    # next; held groups by the earliest time their lease can lapse (acquire.lua, renew.lua);
    # and where recover's slow sweep of `workers` (SSCAN) goes on
    "worker_deadlines": "deadline:workers",
    "unhealthy_workers": "unhealthy:workers",
    "lease_deadlines": "deadline:leases",
    "recover_cursor": "cursor:recover",
    # groups and workers whose scheduling fields changed (a stream of ids, read by the
    # scheduler's view) and the id below which its entries were trimmed
    "sched_log": "scheduler:changes",
    "sched_log_floor": "scheduler:changes:floor",
    # learned durations (moving averages): per target, and per (org, target, test path)
    "dur_install": "durations:install",
    "dur_target": "durations:target",
    "dur_test": "durations:test",
    # the same, of one org's runs only (what its /v1/stats shows)
    "dur_install_org": "durations:install:org:{}",
    "dur_target_org": "durations:target:org:{}",
    "dur_test_org": "durations:test:org:{}",
    # one dispatching scheduler at a time; dispatch plans already carried out (idempotency)
    "dispatch_lock": "lock:dispatch",
    "plan": "plan:{}",
    # counters
    "stats": "stats",
    # app builds registered per org and app version: hash
    "app_build": "app:{}:build",
    # BrowserStack: uploaded app per org and app version (JSON with the bs:// URL, expiring
    # before BrowserStack deletes the app), the lock of the one worker uploading it, and the
    # sessions running now (zset run token -> expiry) to keep within the plan's parallel limit
    "bs_app": "bs:app:{}",
    "bs_upload_lock": "bs:app:{}:lock",
    "bs_sessions": "bs:sessions",
    "stats_org": "stats:org:{}",
    # jobs that reached a terminal status, per minute (fields: all, o:<org>)
    "throughput": "tput:{}",
    # latest queue waits (submit -> first run), in seconds
    "waits": "waits",
    "waits_org": "waits:org:{}",
    # group indexes, scored by the group's sequence number
    "groups_all": "idx:groups",
    "groups_org": "idx:groups:org:{}",
    # suites
    "suite": "suite:{}",
    "suite_jobs": "suite:{}:jobs",
    "suite_counts": "suite:{}:counts",
    # a suite's batches of jobs staged until its last call publishes them all (hash: batch
    # number -> JSON), expiring when abandoned
    "suite_staging": "suite:{}:staging",
    # API tokens by the sha256 of the secret; token id -> that hash
    "token": "token:{}",
    "tokens": "tokens",
    # per-org request rate (token bucket) and idempotency records
    "rate": "rate:{}",
    "idem": "idem:{}",
}


@dataclass(frozen=True)
class Keys:
    """Key names under one prefix. ``Keys("qgjob").job("j1") == "{qgjob}:job:j1"``."""

    prefix: str = "qgjob"

    @property
    def base(self) -> str:
        return "{" + self.prefix + "}:"

    def _name(self, template: str, arg: str | None = None) -> str:
        text = TEMPLATES[template]
        return self.base + (text.format(arg) if arg is not None else text)

    def job(self, job_id: str) -> str:
        return self._name("job", job_id)

    def job_log(self, job_id: str) -> str:
        return self._name("job_log", job_id)

    def idx_all(self) -> str:
        return self._name("idx_all")

    def idx_org(self, org_id: str) -> str:
        return self._name("idx_org", org_id)

    def jobs_stream(self) -> str:
        return self._name("jobs_stream")

    def wake(self) -> str:
        return self._name("wake")

    def events(self, org_id: str | None = None) -> str:
        """Every org's events, or one org's (the same entries, with the same ids)."""
        return self._name("events_org", org_id) if org_id else self._name("events")

    def job_events(self, job_id: str) -> str:
        """The ids of one job's events (a list, oldest first; the entries are in its org's
        stream under the same ids)."""
        return self._name("job_events", job_id)

    def suite_events(self, suite_id: str) -> str:
        """The events of one suite's jobs (the same entries and ids)."""
        return self._name("events_suite", suite_id)

    def dead(self, org_id: str | None = None) -> str:
        """Every dead letter (poison entries too), or one org's (same entries and ids)."""
        return self._name("dead_org", org_id) if org_id else self._name("dead")

    def assign(self, target: str) -> str:
        """The assignment stream of one target (its workers' consumer group reads it)."""
        return self._name("assign", target)

    def worker_wake(self, worker_id: str) -> str:
        return self._name("worker_wake", worker_id)

    def delayed(self) -> str:
        return self._name("delayed")

    def group(self, group_id: str) -> str:
        return self._name("group", group_id)

    def group_jobs(self, group_id: str) -> str:
        return self._name("group_jobs", group_id)

    def open_groups(self) -> str:
        return self._name("open_groups")

    def pending_groups(self) -> str:
        return self._name("pending_groups")

    def worker(self, worker_id: str) -> str:
        return self._name("worker", worker_id)

    def heartbeat(self, worker_id: str) -> str:
        return self._name("heartbeat", worker_id)

    def workers(self) -> str:
        return self._name("workers")

    def target_workers(self, target: str) -> str:
        return self._name("target_workers", target)

    def worker_groups(self, worker_id: str) -> str:
        return self._name("worker_groups", worker_id)

    def worker_deadlines(self) -> str:
        """Worker id -> when its heartbeat key expires (a zset)."""
        return self._name("worker_deadlines")

    def unhealthy_workers(self) -> str:
        """Unhealthy worker id -> when recover looks at it next (a zset)."""
        return self._name("unhealthy_workers")

    def lease_deadlines(self) -> str:
        """Held group id -> the earliest time its lease can lapse (a zset)."""
        return self._name("lease_deadlines")

    def recover_cursor(self) -> str:
        """The SSCAN cursor of recover's sweep of :meth:`workers`."""
        return self._name("recover_cursor")

    def sched_log(self) -> str:
        """Ids of groups and workers whose scheduling fields changed (a stream)."""
        return self._name("sched_log")

    def sched_log_floor(self) -> str:
        """The change log's id below which entries were trimmed."""
        return self._name("sched_log_floor")

    def dur_install(self) -> str:
        return self._name("dur_install")

    def dur_target(self) -> str:
        return self._name("dur_target")

    def dur_test(self) -> str:
        return self._name("dur_test")

    def dur_install_org(self, org_id: str) -> str:
        return self._name("dur_install_org", org_id)

    def dur_target_org(self, org_id: str) -> str:
        return self._name("dur_target_org", org_id)

    def dur_test_org(self, org_id: str) -> str:
        return self._name("dur_test_org", org_id)

    def stats(self) -> str:
        return self._name("stats")

    def app_build(self, org_id: str, app_version_id: str) -> str:
        return self._name("app_build", f"{org_id}|{app_version_id}")

    def bs_app(self, org_id: str, app_version_id: str) -> str:
        return self._name("bs_app", f"{org_id}|{app_version_id}")

    def bs_upload_lock(self, org_id: str, app_version_id: str) -> str:
        return self._name("bs_upload_lock", f"{org_id}|{app_version_id}")

    def bs_sessions(self) -> str:
        return self._name("bs_sessions")

    def stats_org(self, org_id: str) -> str:
        return self._name("stats_org", org_id)

    def throughput(self, minute: int) -> str:
        return self._name("throughput", str(minute))

    def waits(self, org_id: str | None = None) -> str:
        return self._name("waits_org", org_id) if org_id else self._name("waits")

    def groups_index(self, org_id: str | None = None) -> str:
        return self._name("groups_org", org_id) if org_id else self._name("groups_all")

    def suite(self, suite_id: str) -> str:
        return self._name("suite", suite_id)

    def suite_jobs(self, suite_id: str) -> str:
        return self._name("suite_jobs", suite_id)

    def suite_counts(self, suite_id: str) -> str:
        return self._name("suite_counts", suite_id)

    def suite_staging(self, suite_id: str) -> str:
        return self._name("suite_staging", suite_id)

    def token(self, digest: str) -> str:
        return self._name("token", digest)

    def tokens(self) -> str:
        return self._name("tokens")

    def rate(self, org_id: str) -> str:
        return self._name("rate", org_id)

    def idempotency(self, scope: str) -> str:
        return self._name("idem", scope)


def lua_key_names(used: Iterable[str], slots: Mapping[str, int]) -> list[str]:
    """Lua definitions of the key names a script uses, in a table ``K``: a fixed key is
    its ``KEYS[i]`` (``slots``: template -> i); a key of an id is built from ``B``, the key
    base (``ARGV[1]``): ``K.job(id)``."""
    lines = ["local K = {}"]
    for name in sorted(set(used)):
        text = TEMPLATES[name]
        if "{}" in text:
            head, tail = text.split("{}", 1)
            tail_expr = f" .. '{tail}'" if tail else ""
            lines.append(f"K.{name} = function(a) return B .. '{head}' .. a{tail_expr} end")
        else:
            lines.append(f"K.{name} = KEYS[{slots[name]}]")
    return lines


LUA_NAMES: dict[str, str] = {
    "SCHEDULER_GROUP": f"local SCHEDULER_GROUP = '{SCHEDULER_GROUP}'",
    "WORKER_GROUP": f"local WORKER_GROUP = '{WORKER_GROUP}'",
    "HOLDING_CONSUMER": f"local HOLDING_CONSUMER = '{HOLDING_CONSUMER}'",
}
"""Lua definitions of the consumer-group and consumer names, for the scripts that use them."""
