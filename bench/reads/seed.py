"""Many dead letters and events of one org, written by the same Lua helpers the scripts use
(``dead_letter`` and ``emit`` of the prelude: every copy of each entry), a thousand per
call."""

from __future__ import annotations

from redis import Redis

from qgjob_store.keys import Keys
from qgjob_store.scripts import Retention, with_prelude

BATCH = 1000
SEED_LUA = """
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
    script = redis.register_script(with_prelude(SEED_LUA, RETENTION))
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        script(keys=[], args=[keys.base, org, n, kind, f"{org}-{done}"])
        done += n
