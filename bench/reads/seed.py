"""Many dead letters and events of one org, written by the same Lua helpers the scripts use
(``includes/dead_letter.lua`` and ``includes/emit.lua``: every copy of each entry), a
thousand per call."""

from __future__ import annotations

from redis import Redis

from qgjob_store.keys import Keys
from qgjob_store.scripts import Retention, call_args, compose

BATCH = 1000
SEED_LUA = """-- Seed ARGV[3] entries of ARGV[4] ('dead' or 'events') for org ARGV[2].
-- KEYS[1] dead    the dead letters
-- KEYS[2] events  every org's events
-- KEYS[3] stats   the counters (of dead letters)
-- ARGV[5]: a tag that makes the job ids unique. Returns how many were written.
--- @include "includes/dead_letter"
--- @include "includes/emit"
--- @include "includes/fmt"
--- @include "includes/now"
local org, n, kind, tag = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local ts = fmt(now())
for i = 1, n do
  local jid = 'seed-' .. tag .. '-' .. i
  if kind == 'dead' then
    dead_letter(org, { 'job', jid, 'org', org, 'reason', 'attempts_exhausted', 'attempts', 3,
      'last_error', 'device lost', 'log_tail', '', 'at', ts })
  else  -- four events per job, as a job queued, scheduled, run and passed has
    emit('seed-' .. tag .. '-' .. math.ceil(i / 4), org, 'passed', ts, nil, '')
  end
end
return n
"""
RETENTION = Retention(events_maxlen=10_000_000, dead_maxlen=10_000_000)
"""Long enough that nothing seeded is trimmed: the shared streams hold every entry."""


def seed(redis: Redis, keys: Keys, org: str, kind: str, count: int) -> None:
    """Write ``count`` entries of ``kind`` (``dead`` or ``events``) for ``org``."""
    source = compose("seed", SEED_LUA, RETENTION)
    script = redis.register_script(source.text)
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        names, argv = call_args(source, keys, [org, n, kind, f"{org}-{done}"])
        script(keys=names, args=argv)
        done += n
