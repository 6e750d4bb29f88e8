-- Drop workers from the registry that have been gone longer than ARGV[2] seconds and hold
-- nothing (pods come and go).
-- KEYS[1] workers  every worker
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: seconds gone. Returns how many were dropped.
--- @include "includes/now"

local keep_s = tonumber(ARGV[2])
local t = now()
local n = 0
for _, wid in ipairs(redis.call('SMEMBERS', K.workers)) do
  local w = redis.call('HMGET', K.worker(wid), 'heartbeat', 'target')
  if redis.call('EXISTS', K.heartbeat(wid)) == 0
      and t - (tonumber(w[1]) or 0) > keep_s
      and redis.call('SCARD', K.worker_groups(wid)) == 0 then
    redis.call('SREM', K.workers, wid)
    if w[2] then
      redis.call('SREM', K.target_workers(w[2]), wid)
    end
    redis.call('DEL', K.worker(wid), K.inbox(wid), K.worker_groups(wid))
    n = n + 1
  end
end
return n
