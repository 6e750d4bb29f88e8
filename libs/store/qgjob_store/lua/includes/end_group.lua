--- @include "fmt"
--- @include "now"

-- A group has run everything it holds: it takes no more jobs and expires later.
local function end_group(gid)
  local gk = K.group(gid)
  local g = redis.call('HMGET', gk, 'org_id', 'app_version_id', 'target', 'priority')
  local okey = g[1] .. '|' .. g[2] .. '|' .. g[3] .. '|' .. g[4]
  if redis.call('HGET', K.open_groups, okey) == gid then
    redis.call('HDEL', K.open_groups, okey)
  end
  redis.call('HSET', gk, 'state', 'done', 'finished_at', fmt(now()), 'yield', '', 'left', 0,
    'work', 0)
  redis.call('ZREM', K.pending_groups, gid)
  redis.call('EXPIRE', gk, GROUP_TTL)
  redis.call('EXPIRE', K.group_jobs(gid), GROUP_TTL)
  redis.call('DEL', K.group_cancel(gid))
end
