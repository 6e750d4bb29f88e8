"""Which template of :data:`qgjob_store.keys.TEMPLATES` a key name was made from, and what
each kind of key holds (for the table)."""

from __future__ import annotations

import re

from qgjob_store.keys import TEMPLATES, Keys

UNCLASSIFIED = "unclassified"

KINDS: dict[str, str] = {
    "job": "job record (hash): the job's fields, status, result, times",
    "job_log": "job log (string): the last bytes of the run's output",
    "job_events": "job events list: ids of the job's events in its org's stream",
    "events": "shared events stream: every org's events",
    "events_org": "org events stream: the same entries, one org's",
    "events_suite": "suite events stream: the same entries again, one suite's",
    "suite": "suite record (hash)",
    "suite_jobs": "suite jobs (list of job ids)",
    "suite_counts": "suite counts (hash: jobs by status)",
    "suite_staging": "suite staging (hash of staged batches)",
    "group": "group record (hash)",
    "group_jobs": "group jobs (list of job ids)",
    "group_cancel": "group cancel flag",
    "idx_all": "index of every job (zset)",
    "idx_org": "index of one org's jobs (zset)",
    "groups_all": "index of every group (zset)",
    "groups_org": "index of one org's groups (zset)",
    "open_groups": "open groups (hash/zset)",
    "pending_groups": "groups waiting for a worker (zset)",
    "jobs_stream": "jobs stream (submissions, scheduler's group)",
    "assign": "assignment stream of a target (workers' group)",
    "wake": "scheduler wake stream",
    "worker_wake": "worker wake list",
    "dead": "dead letters stream",
    "dead_org": "org dead letters stream",
    "delayed": "delayed retries (zset)",
    "stats": "stats hash (counters)",
    "stats_org": "org stats hash (counters)",
    "throughput": "throughput bucket (hash per minute)",
    "waits": "latest queue waits (list)",
    "waits_org": "latest queue waits of one org (list)",
    "dur_install": "learned install durations",
    "dur_target": "learned durations per target",
    "dur_test": "learned durations per test",
    "dur_install_org": "org learned install durations",
    "dur_target_org": "org learned durations per target",
    "dur_test_org": "org learned durations per test",
    "worker": "worker record (hash)",
    "heartbeat": "worker heartbeat",
    "workers": "workers set",
    "target_workers": "workers of a target (set)",
    "worker_groups": "groups a worker holds (set)",
    "dispatch_lock": "dispatch lock",
    "plan": "dispatch plan carried out (idempotency)",
    "group_seq": "group sequence counter",
    "app_build": "app build registered",
    "bs_app": "BrowserStack app upload",
    "bs_upload_lock": "BrowserStack upload lock",
    "bs_sessions": "BrowserStack sessions (zset)",
    "token": "API token",
    "tokens": "API tokens (hash)",
    "rate": "rate limit bucket",
    "idem": "idempotency record",
}
"""What each template's keys hold; a template missing here is labelled by its name."""


class Classifier:
    """Matches a key name against every template, the most specific (longest literal
    text) first, so ``job:{}:log`` wins over ``job:{}``."""

    def __init__(self, keys: Keys) -> None:
        ranked = []
        for name, text in TEMPLATES.items():
            body = "(.+)".join(re.escape(part) for part in text.split("{}"))
            pattern = re.compile(re.escape(keys.base) + body + "$")
            ranked.append((len(text.replace("{}", "")), name, pattern))
        ranked.sort(key=lambda r: -r[0])
        self.patterns = [(name, pattern) for _, name, pattern in ranked]

    def kind(self, key: str) -> str:
        for name, pattern in self.patterns:
            if pattern.match(key):
                return name
        return UNCLASSIFIED


def describe(kind: str) -> str:
    return KINDS.get(kind, kind)
