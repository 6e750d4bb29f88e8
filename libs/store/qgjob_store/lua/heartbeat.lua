-- A worker's heartbeat: its registry record and a key with a TTL (liveness for the
-- scheduler and for probes). An unhealthy worker's record keeps when it became unhealthy
-- (recover.lua takes its groups back after a bounded time) and why (the driver's words);
-- both are cleared by the first beat in another state.
-- KEYS[1] heartbeat(ARGV[2].worker)       the worker's liveness key (it expires)
-- KEYS[2] worker(ARGV[2].worker)          the worker's record
-- KEYS[3] target_workers(ARGV[2].target)  the workers of its target
-- KEYS[4] workers                         every worker
-- KEYS[5] sched_log  the scheduler's change log (what this call changed)
-- KEYS[6] worker_deadlines  when each worker's heartbeat lapses
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: packed (JSON) {worker (id), target, state, ttl_ms, capacity, versions (installed,
-- a JSON list), lease_ms, detail (health detail, cleaned by the caller; kept only with the
-- unhealthy state)}.
-- Returns the time of the beat.
--- @include "includes/changed"
--- @include "includes/fmt"
--- @include "includes/now"

local o = cjson.decode(ARGV[2])
local wid, target, state, ttl = o.worker, o.target, o.state, tonumber(o.ttl_ms)
local ts = fmt(now())
local revived = redis.call('SET', K.heartbeat(wid), ts, 'PX', ttl, 'GET') == false
local was = redis.call('HMGET', K.worker(wid), 'state', 'unhealthy_since', 'target', 'capacity',
  'versions')
if revived or was[1] ~= state or was[3] ~= target or was[4] ~= tostring(o.capacity)
    or was[5] ~= o.versions then
  changed('w', wid)
end
local since, detail = '', ''
if state == 'unhealthy' then
  since = (was[1] == 'unhealthy' and was[2] and was[2] ~= '') and was[2] or ts
  detail = o.detail or ''
end
redis.call('HSET', K.worker(wid), 'id', wid, 'target', target, 'state', state,
  'capacity', o.capacity, 'versions', o.versions, 'heartbeat', ts, 'lease_ms', o.lease_ms,
  'unhealthy_since', since, 'health_detail', detail)
redis.call('SADD', K.workers, wid)
redis.call('ZADD', K.worker_deadlines, fmt(now() + ttl / 1000), wid)
redis.call('SADD', K.target_workers(target), wid)
return ts
