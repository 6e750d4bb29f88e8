-- Take groups back from workers that can no longer run them, so nothing stays stranded:
-- a group dispatched to a worker that is gone (no heartbeat) or unhealthy (it reads no
-- assignment while its device is not ready); a group whose entry is not in its holder's
-- pending list; a running group whose lease expired (its entry idle in the holder's pending
-- list of the target's assignment stream longer than the worker's lease: the holder stopped
-- renewing); and a running group of a worker unhealthy for longer than its lease (its
-- heartbeat and renewals would otherwise keep the group for as long as the device stays
-- down). The holder is fenced; the group's entry goes back to the holding consumer and the
-- group waits for the scheduler again. Only workers' lists are looked at: the holding
-- consumer's entries are groups waiting, however long idle, never leases.
-- KEYS[1] workers         every worker (their groups are looked at)
-- KEYS[2] pending_groups  the groups waiting for a worker (a group taken back joins it)
-- KEYS[3] open_groups     the open group of each key (a group ended here leaves it)
-- KEYS[4] dur_test        the learned test durations (a group's recount)
-- KEYS[5] stats           the counters
-- KEYS[6] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: lease in ms for workers that did not report one.
-- Returns the ids of the groups taken back.
--- @include "includes/group_held"
--- @include "includes/now"
--- @include "includes/unassign"
local default_lease = tonumber(ARGV[2])
local t = now()
local out = {}

-- whether wid holds entry eid of target's stream (idle at least idle ms, when given)
local function pending(target, wid, eid, idle)
  if not eid or eid == '' or not target then return false end
  local args = { 'XPENDING', K.assign(target), WORKER_GROUP }
  if idle then
    args[#args + 1] = 'IDLE'
    args[#args + 1] = idle
  end
  args[#args + 1] = eid
  args[#args + 1] = eid
  args[#args + 1] = 1
  args[#args + 1] = wid
  local r = redis.pcall(unpack(args))
  return type(r) == 'table' and not r.err and #r > 0
end

for _, wid in ipairs(redis.call('SMEMBERS', K.workers)) do
  local alive = redis.call('EXISTS', K.heartbeat(wid)) == 1
  local w = redis.call('HMGET', K.worker(wid), 'lease_ms', 'state', 'unhealthy_since')
  local lease = tonumber(w[1]) or default_lease
  local unhealthy = alive and w[2] == 'unhealthy'
  local down_too_long = unhealthy and t - (tonumber(w[3]) or t) > lease / 1000
  for _, gid in ipairs(redis.call('SMEMBERS', K.worker_groups(wid))) do
    local g = redis.call('HMGET', K.group(gid), 'state', 'worker_id', 'entry', 'target')
    if not GROUP_HELD[g[1]] or g[2] ~= wid then
      redis.call('SREM', K.worker_groups(wid), gid)
    else
      local lost
      if g[1] == 'running' then
        -- a held group's entry is always in its holder's list; one that is not (a group
        -- held under the per-worker streams of an older version) is taken back too
        lost = down_too_long or pending(g[4], wid, g[3], lease)
          or not pending(g[4], wid, g[3], nil)
      else
        lost = not alive or unhealthy or not pending(g[4], wid, g[3], nil)
      end
      if lost then
        unassign(gid, wid)
        redis.call('HINCRBY', K.stats, 'takeovers', 1)
        out[#out + 1] = gid
      end
    end
  end
end
return out
