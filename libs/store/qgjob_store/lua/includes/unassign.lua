--- @include "end_group"
--- @include "fmt"
--- @include "now"
--- @include "recount"

-- Take a group from the worker holding it: fence that worker (epoch), ack its assignment,
-- and put the group back to wait for the scheduler (or end it when nothing is left). Its
-- waiting clock starts again: the time it ran is not time it waited.
-- Returns 'open' or 'done'.
local function unassign(gid, wid, eid)
  local gk = K.group(gid)
  redis.call('HINCRBY', gk, 'epoch', 1)
  if eid and eid ~= '' then
    redis.call('XACK', K.inbox(wid), WORKER_GROUP, eid)
  end
  redis.call('SREM', K.worker_groups(wid), gid)
  if recount(gid) == 0 then
    end_group(gid)
    return 'done'
  end
  local ts = fmt(now())
  redis.call('HSET', gk, 'state', 'open', 'worker_id', '', 'entry', '', 'yield', '',
    'run_started', '', 'run_est', '', 'waiting_since', ts)
  redis.call('ZADD', K.pending_groups, ts, gid)
  return 'open'
end
