-- Take or keep the dispatch lock: one scheduler plans dispatches at a time, and the lock
-- expires when its holder stops renewing it.
-- KEYS[1] dispatch_lock  the lock: its value is the holder
-- ARGV[1]: the key base (unused: every key is in KEYS).
-- ARGV[2]: holder, ARGV[3]: time to live in ms.
-- Returns 1 when ARGV[2] holds it (taken now or renewed), 0 when another scheduler does.
local holder, ttl = ARGV[2], tonumber(ARGV[3])
if redis.call('SET', K.dispatch_lock, holder, 'NX', 'PX', ttl) then
  return 1
end
if redis.call('GET', K.dispatch_lock) == holder then
  redis.call('PEXPIRE', K.dispatch_lock, ttl)
  return 1
end
return 0
