-- Move retries whose backoff has passed from the delayed set back into the jobs stream.
-- KEYS[1] delayed      the retries waiting for their backoff
-- KEYS[2] jobs_stream  the submissions the schedulers read
-- KEYS[3] stats        the counters
-- KEYS[4] events       every org's events
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: how many at most. Returns how many were moved.
--- @include "includes/fmt"
--- @include "includes/now"
--- @include "includes/transition"

local t = now()
local ts = fmt(t)
local ids = redis.call('ZRANGEBYSCORE', K.delayed, '-inf', t, 'LIMIT', 0, tonumber(ARGV[2]))
for _, jid in ipairs(ids) do
  redis.call('ZREM', K.delayed, jid)
  local jkey = K.job(jid)
  local j = redis.call('HMGET', jkey, 'status', 'org_id', 'target')
  if j[1] == 'error' then
    transition(jkey, jid, j[2], j[3], 'error', 'queued', ts, { 'retry_at', '' })
    redis.call('XADD', K.jobs_stream, '*', 'job', jid)
  end
end
return #ids
