--- @include "count"
--- @include "emit"
--- @include "terminal"

-- Set a job's status, count it and emit the event. suite: the job's suite id when the
-- caller read it (false or '' for none), nil to look it up.
local function transition(jkey, jid, org, target, old, new, ts, fields, extra, suite)
  local args = { 'HSET', jkey, 'status', new, 'updated_at', ts }
  if fields then
    for i = 1, #fields do args[#args + 1] = fields[i] end
  end
  redis.call(unpack(args))
  if suite == nil then
    suite = redis.call('HGET', jkey, 'suite_id')
  end
  count(org, target, old, new, suite, tonumber(ts))
  emit(jid, org, new, ts, extra, suite or '')
  if TERMINAL[new] then
    redis.call('EXPIRE', jkey, JOB_TTL)
    redis.call('EXPIRE', K.job_log(jid), JOB_TTL)
  end
end
