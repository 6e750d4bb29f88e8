-- Take or give back one of a bounded number of slots (BrowserStack sessions running at
-- once, across workers). A slot whose holder died frees itself when its expiry passes.
-- KEYS[1] bs_sessions  the slots taken: run token -> expiry
-- ARGV[1]: the key base (unused: every key is in KEYS).
-- ARGV[2]: 'take' or 'give', [3]: token, [4]: limit, [5]: expiry in seconds.
-- Returns 1 when taken (or given back).
--- @include "includes/now"

local op, token = ARGV[2], ARGV[3]
local t = now()
if op == 'give' then
  redis.call('ZREM', K.bs_sessions, token)
  return 1
end
redis.call('ZREMRANGEBYSCORE', K.bs_sessions, '-inf', t)
if redis.call('ZSCORE', K.bs_sessions, token) then
  redis.call('ZADD', K.bs_sessions, t + tonumber(ARGV[5]), token)
  return 1
end
if redis.call('ZCARD', K.bs_sessions) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('ZADD', K.bs_sessions, t + tonumber(ARGV[5]), token)
return 1
