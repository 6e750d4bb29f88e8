-- A worker's heartbeat: its registry record and a key with a TTL (liveness for the
-- scheduler and for probes). An unhealthy worker's record keeps when it became unhealthy
-- (recover.lua takes its groups back after a bounded time) and why (the driver's words);
-- both are cleared by the first beat in another state. It also keeps recover's indexes of
-- workers: when its liveness key expires, and whether it is unhealthy (added once, with when
-- it became so: recover schedules its later looks itself).
-- KEYS[1] heartbeat(ARGV[2].worker)       the worker's liveness key (it expires)
-- KEYS[2] worker(ARGV[2].worker)          the worker's record
-- KEYS[3] target_workers(ARGV[2].target)  the workers of its target
-- KEYS[4] workers                         every worker
-- KEYS[5] worker_deadlines                each worker by when its liveness key expires
-- KEYS[6] unhealthy_workers               the unhealthy workers, by when recover looks next
-- KEYS[7] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: packed (JSON) {worker (id), target, state, ttl_ms, capacity, versions (installed,
-- a JSON list), lease_ms, detail (health detail, cleaned by the caller; kept only with the
-- unhealthy state)}.
-- Returns the time of the beat.
--- @include "includes/changed"
--- @include "includes/fmt"
--- @include "includes/now"
--- @include "includes/takes_work"

local o = cjson.decode(ARGV[2])
local wid, target, state, ttl = o.worker, o.target, o.state, tonumber(o.ttl_ms)
local t = now()
local ts = fmt(t)
local revived = redis.call('SET', K.heartbeat(wid), ts, 'PX', ttl, 'GET') == false
redis.call('ZADD', K.worker_deadlines, t + ttl / 1000, wid)
local was = redis.call('HMGET', K.worker(wid), 'state', 'unhealthy_since', 'target', 'capacity',
  'versions', 'lease_ms', 'health_detail')
local since, detail = '', ''
if state == 'unhealthy' then
  since = (was[1] == 'unhealthy' and was[2] and was[2] ~= '') and was[2] or ts
  detail = o.detail or ''
end
-- what the scheduler plans with: whether it takes work (idle and busy alike), its target,
-- lanes and versions
local same = not revived and TAKES_WORK[was[1]] == TAKES_WORK[state] and was[3] == target
  and was[4] == tostring(o.capacity) and was[5] == o.versions
if same and was[1] == state and was[6] == tostring(o.lease_ms) and (was[7] or '') == detail then
  -- a live worker beating as before (most beats of a farm): only when it beat changes
  redis.call('HSET', K.worker(wid), 'heartbeat', ts)
  return ts
end
if not same then
  changed('w', wid)  -- new, back, or changed for the plans: the scheduler's view reads it again
end
redis.call('HSET', K.worker(wid), 'id', wid, 'target', target, 'state', state,
  'capacity', o.capacity, 'versions', o.versions, 'heartbeat', ts, 'lease_ms', o.lease_ms,
  'unhealthy_since', since, 'health_detail', detail)
if state == 'unhealthy' then
  redis.call('ZADD', K.unhealthy_workers, 'NX', since, wid)
else
  redis.call('ZREM', K.unhealthy_workers, wid)
end
redis.call('SADD', K.workers, wid)
redis.call('SADD', K.target_workers(target), wid)
return ts
