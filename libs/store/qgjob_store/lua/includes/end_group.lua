--- @include "changed"
--- @include "fmt"
--- @include "now"

-- A group has run everything it holds: it takes no more jobs, its assignment entry is acked
-- (wherever it is pending: a worker's list, or the holding consumer's for a waiting group that
-- ends, cancelled) and it expires later.
local function end_group(gid)
  local gk = K.group(gid)
  local g = redis.call('HMGET', gk, 'org_id', 'app_version_id', 'target', 'priority', 'entry')
  local okey = g[1] .. '|' .. g[2] .. '|' .. g[3] .. '|' .. g[4]
  if redis.call('HGET', K.open_groups, okey) == gid then
    redis.call('HDEL', K.open_groups, okey)
  end
  if g[5] and g[5] ~= '' then
    redis.pcall('XACK', K.assign(g[3]), WORKER_GROUP, g[5])
  end
  redis.call('HSET', gk, 'state', 'done', 'finished_at', fmt(now()), 'yield', '', 'left', 0,
    'work', 0)
  redis.call('ZREM', K.pending_groups, gid)
  changed('g', gid)
  redis.call('EXPIRE', gk, GROUP_TTL)
  redis.call('EXPIRE', K.group_jobs(gid), GROUP_TTL)
  redis.call('DEL', K.group_cancel(gid))
end
