--- @include "changed"
--- @include "end_group"
--- @include "fmt"
--- @include "hand_entry"
--- @include "now"
--- @include "recount"

-- Take a group from the worker wid holding it: fence that worker (epoch), move the group's
-- assignment entry back to the holding consumer, and let the group wait for the scheduler
-- again (or end it when nothing is left). Its waiting clock starts again: the time it ran
-- is not time it waited. Returns 'open' or 'done'.
local function unassign(gid, wid)
  local gk = K.group(gid)
  redis.call('HINCRBY', gk, 'epoch', 1)
  redis.call('SREM', K.worker_groups(wid), gid)
  changed('w', wid)
  changed('g', gid)
  if recount(gid) == 0 then
    end_group(gid)
    return 'done'
  end
  local ts = fmt(now())
  redis.call('HSET', gk, 'state', 'open', 'worker_id', '', 'yield', '',
    'run_started', '', 'run_est', '', 'waiting_since', ts)
  local g = redis.call('HMGET', gk, 'target', 'entry')
  if g[2] and g[2] ~= '' then
    hand_entry(K.assign(g[1]), g[2], HOLDING_CONSUMER)  -- a no-op when it is not pending
  end
  redis.call('ZADD', K.pending_groups, ts, gid)
  return 'open'
end
