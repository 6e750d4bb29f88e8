--- @include "terminal"
--- @include "xadd_with_org"

-- A job's list of event ids keeps its newest this many (a job requeued again and again
-- cannot grow it for ever).
local JOB_EVENTS_MAX = 1000

-- Append a state-change event; extra is a flat list of field, value pairs. The job's suite
-- is looked up when the caller does not pass it. The same entry, under the same id, goes to
-- the org's stream and the suite's, and its id to the job's list (so reading one org's, one
-- suite's or one job's events costs what its own events cost). The job's list lives as the
-- job's record does: kept while the job is unfinished, expiring JOB_TTL after it ends (a
-- requeue makes both persistent again); the suite's stream as the suite's record does.
local function emit(jid, org, status, ts, extra, suite)
  local args = { 'XADD', K.events, 'MAXLEN', '~', EVENTS_MAXLEN, '*',
                 'job', jid, 'org', org, 'status', status, 'at', ts }
  if suite == nil then
    suite = redis.call('HGET', K.job(jid), 'suite_id')
  end
  if suite and suite ~= '' then
    args[#args + 1] = 'suite'
    args[#args + 1] = suite
  end
  if extra then
    for i = 1, #extra do args[#args + 1] = extra[i] end
  end
  local id = xadd_with_org(args, K.events_org(org))
  local jlist = K.job_events(jid)
  if redis.call('RPUSH', jlist, id) > JOB_EVENTS_MAX then
    redis.call('LTRIM', jlist, -JOB_EVENTS_MAX, -1)
  end
  if TERMINAL[status] then
    redis.call('EXPIRE', jlist, JOB_TTL)
  end
  if suite and suite ~= '' then
    local sstream = K.events_suite(suite)
    args[2], args[6] = sstream, id
    redis.call(unpack(args))
    -- an unfinished job's suite is kept, and so is its stream (count() keeps it so, and
    -- an append that makes the stream makes it without expiry): only an ending may leave
    -- the stream to be set as the suite's record is
    if TERMINAL[status] then
      if redis.call('TTL', K.suite(suite)) == -1 then
        redis.call('PERSIST', sstream)
      else
        redis.call('EXPIRE', sstream, JOB_TTL)
      end
    end
  end
  return id
end
