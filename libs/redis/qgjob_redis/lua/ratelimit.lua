-- A token bucket per org: refills at ARGV[3] tokens per second up to ARGV[4]; a request
-- takes ARGV[5] tokens. ARGV[2]: org id.
-- Returns {1, 0, tokens left} when allowed, {0, seconds until allowed, tokens} when not.
local key = K.rate(ARGV[2])
local rate, burst, cost = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local t = now()
local v = redis.call('HMGET', key, 'tokens', 'ts')
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
redis.call('HSET', key, 'tokens', fmt(tokens), 'ts', fmt(t))
redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
return { allowed, fmt(wait), fmt(tokens) }
