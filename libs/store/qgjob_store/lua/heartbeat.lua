-- A worker's heartbeat: its registry record and a key with a TTL (liveness for the
-- scheduler and for probes). An unhealthy worker's record keeps when it became unhealthy
-- (recover.lua takes its groups back after a bounded time) and why (the driver's words);
-- both are cleared by the first beat in another state.
-- ARGV[2]: worker id, [3]: target, [4]: state, [5]: TTL ms, [6]: capacity,
-- [7]: installed versions (JSON list), [8]: lease ms, [9]: health detail (cleaned by the
-- caller; kept only with the unhealthy state).
local wid, target, state, ttl = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local ts = fmt(now())
redis.call('SET', K.heartbeat(wid), ts, 'PX', ttl)
local was = redis.call('HMGET', K.worker(wid), 'state', 'unhealthy_since')
local since, detail = '', ''
if state == 'unhealthy' then
  since = (was[1] == 'unhealthy' and was[2] and was[2] ~= '') and was[2] or ts
  detail = ARGV[9] or ''
end
redis.call('HSET', K.worker(wid), 'id', wid, 'target', target, 'state', state,
  'capacity', ARGV[6], 'versions', ARGV[7], 'heartbeat', ts, 'lease_ms', ARGV[8],
  'unhealthy_since', since, 'health_detail', detail)
redis.call('SADD', K.workers, wid)
redis.call('SADD', K.target_workers(target), wid)
return ts
