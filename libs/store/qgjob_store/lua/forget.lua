-- Drop workers from the registry that have been gone longer than ARGV[2] seconds and hold
-- nothing (pods come and go): no group in their set, no entry in their pending list of
-- their target's assignment stream. Their consumer leaves that stream's group (only now:
-- deleting a consumer that still has pending entries would drop them). Looks at one chunk of
-- the registry per call (SSCAN from ARGV[3]): a call stays short however many workers there
-- are. Returns {how many were dropped, the cursor to go on from ('0': the end)}.
-- KEYS[1] workers            every worker
-- KEYS[2] worker_deadlines   each worker by when its liveness key expires (it leaves)
-- KEYS[3] unhealthy_workers  the unhealthy workers (it leaves)
-- KEYS[4] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: seconds gone; ARGV[3]: the SSCAN cursor ('0' to start).
--- @include "includes/changed"
--- @include "includes/now"
local keep_s = tonumber(ARGV[2])
local t = now()
local n = 0
local scan = redis.call('SSCAN', K.workers, ARGV[3], 'COUNT', 200)
for _, wid in ipairs(scan[2]) do
  local w = redis.call('HMGET', K.worker(wid), 'heartbeat', 'target')
  local stream = w[2] and K.assign(w[2])
  local holds = stream and redis.pcall('XPENDING', stream, WORKER_GROUP, '-', '+', 1, wid)
  holds = type(holds) == 'table' and not holds.err and #holds > 0
  if redis.call('EXISTS', K.heartbeat(wid)) == 0
      and t - (tonumber(w[1]) or 0) > keep_s
      and redis.call('SCARD', K.worker_groups(wid)) == 0 and not holds then
    redis.call('SREM', K.workers, wid)
    redis.call('ZREM', K.worker_deadlines, wid)
    redis.call('ZREM', K.unhealthy_workers, wid)
    if w[2] then
      redis.call('SREM', K.target_workers(w[2]), wid)
      redis.pcall('XGROUP', 'DELCONSUMER', stream, WORKER_GROUP, wid)
    end
    redis.call('DEL', K.worker(wid), K.worker_groups(wid), K.worker_wake(wid))
    changed('w', wid)
    n = n + 1
  end
end
return { n, scan[1] }
