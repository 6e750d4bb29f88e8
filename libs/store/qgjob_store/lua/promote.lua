-- Move retries whose backoff has passed from the delayed set back into the jobs stream.
-- ARGV[2]: how many at most. Returns how many were moved.
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
