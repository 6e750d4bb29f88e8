-- A token bucket per org: refills at ARGV[3] tokens per second up to ARGV[4]; a request
-- takes ARGV[5] tokens. A repeated call of the last request answers as it did and takes
-- nothing.
-- KEYS[1] rate(ARGV[2])  the org's bucket
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: org id, [3]: tokens per second, [4]: burst, [5]: cost, [6]: id of this request
-- ('' for none).
-- Returns {1, 0, tokens left} when allowed, {0, seconds until allowed, tokens} when not.
--- @include "includes/fmt"
--- @include "includes/now"

local key = K.rate(ARGV[2])
local rate, burst, cost = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local req = ARGV[6] or ''
local t = now()
local v = redis.call('HMGET', key, 'tokens', 'ts', 'req', 'reply')
if req ~= '' and v[3] == req and v[4] then
  return cjson.decode(v[4])
end
local tokens = tonumber(v[1]) or burst
local last = tonumber(v[2]) or t
tokens = math.min(burst, tokens + math.max(0, t - last) * rate)
local allowed, wait = 0, 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = (cost - tokens) / rate
end
local reply = { allowed, fmt(wait), fmt(tokens) }
redis.call('HSET', key, 'tokens', fmt(tokens), 'ts', fmt(t), 'req', req,
  'reply', cjson.encode(reply))
redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
return reply
