-- A worker's heartbeat: registry record, a key with a TTL for probes, and its place
-- in the target's idle set while it waits for work.
-- ARGV[2]: worker id, [3]: target, [4]: state, [5]: TTL ms, [6]: capacity,
-- [7]: installed versions (JSON list).
local wid, target, state, ttl = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local t = now()
local ts = fmt(t)
redis.call('SET', K.heartbeat(wid), ts, 'PX', ttl)
redis.call('HSET', K.worker(wid), 'id', wid, 'target', target, 'state', state,
  'capacity', ARGV[6], 'versions', ARGV[7], 'heartbeat', ts)
redis.call('SADD', K.workers, wid)
if state == 'idle' then
  redis.call('ZADD', K.idle(target), t, wid)
else
  redis.call('ZREM', K.idle(target), wid)
end
return ts
