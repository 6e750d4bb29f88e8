"""Moving one hash slot of a real Redis Cluster to another master: atomically, with the
script qgjob ships for it (deploy/redis-cluster/move-slot.lua), or in batches as Redis's
own procedure (and ``redis-cli --cluster reshard``) does it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.cluster import ClusterSetup
from tests.support.redis_nodes import Node

MOVE_SCRIPT = Path(__file__).parents[2] / "deploy" / "redis-cluster" / "move-slot.lua"
MIGRATE_TIMEOUT_MS = 5000


def call(node: Node, *args: object) -> object:
    c = node.client()
    try:
        return c.execute_command(*args)
    finally:
        c.close()


def node_id(node: Node) -> str:
    return str(call(node, "CLUSTER", "MYID"))


def masters(cluster: ClusterSetup) -> list[Node]:
    return [n for n in cluster.live() if call(n, "ROLE")[0] == "master"]  # type: ignore[index]


@dataclass(frozen=True)
class Moved:
    keys: int
    script_s: float
    """How long the move script ran (its node served nothing else meanwhile)."""


def move_slot(cluster: ClusterSetup, slot: int, target: Node) -> Moved:
    """The documented move (docs/deployment.md, "Moving the slot")."""
    source = cluster.owner(slot)
    assert source is not None and source != target
    target_id = node_id(target)
    call(target, "CLUSTER", "SETSLOT", slot, "IMPORTING", node_id(source))
    started = time.monotonic()
    keys = call(
        source, "EVAL", MOVE_SCRIPT.read_text(), 0, slot, "127.0.0.1", target.port, target_id
    )
    took = time.monotonic() - started
    assign(cluster, slot, source, target, target_id)
    assert isinstance(keys, int)
    return Moved(keys, took)


def assign(cluster: ClusterSetup, slot: int, source: Node, target: Node, target_id: str) -> None:
    """``SETSLOT NODE`` on the target first (it takes the slot with a new epoch), then on
    the source and every other master."""
    call(target, "CLUSTER", "SETSLOT", slot, "NODE", target_id)
    for node in masters(cluster):
        if node != target:
            call(node, "CLUSTER", "SETSLOT", slot, "NODE", target_id)


class BatchedReshard:
    """Redis's procedure: the slot importing on the target and migrating on its owner, its
    keys ``MIGRATE``d a batch at a time, then assigned to the target on every master."""

    def __init__(self, cluster: ClusterSetup, slot: int, target: Node) -> None:
        source = cluster.owner(slot)
        assert source is not None and source != target
        self.cluster, self.slot, self.source, self.target = cluster, slot, source, target
        self.target_id = node_id(target)

    def begin(self) -> BatchedReshard:
        call(self.target, "CLUSTER", "SETSLOT", self.slot, "IMPORTING", node_id(self.source))
        call(self.source, "CLUSTER", "SETSLOT", self.slot, "MIGRATING", self.target_id)
        return self

    def move(self, keys: list[str]) -> None:
        """``MIGRATE`` these keys (one batch) to the target."""
        call(
            self.source,
            *("MIGRATE", "127.0.0.1", self.target.port, "", 0, MIGRATE_TIMEOUT_MS),
            *("KEYS", *keys),
        )

    def step(self, batch: int) -> int:
        """Move up to ``batch`` of the keys left; returns how many moved."""
        keys = call(self.source, "CLUSTER", "GETKEYSINSLOT", self.slot, batch)
        assert isinstance(keys, list)
        if keys:
            self.move(keys)
        return len(keys)

    def finish(self) -> None:
        while self.step(100):
            pass
        assign(self.cluster, self.slot, self.source, self.target, self.target_id)
