--- @include "terminal"

local UNFINISHED = { 'queued', 'scheduled', 'running', 'error' }
local THROUGHPUT_TTL = 3600

-- Move a job's status in the counters (old may be nil for a new job): the global counters,
-- its org's, and its suite's when it has one (suite may be nil, false or ''). Counters are
-- kept per target and status ('t:<target>:<status>'); totals by status are their sums.
-- t: the time of the change (seconds); n: how many jobs made it together (default 1).
local function count(org, target, old, new, suite, t, n)
  n = n or 1
  local okey = K.stats_org(org)
  local skey = nil
  if suite and suite ~= '' then
    skey = K.suite_counts(suite)
  end
  if old and old ~= '' then
    local field = 't:' .. target .. ':' .. old
    redis.call('HINCRBY', K.stats, field, -n)
    redis.call('HINCRBY', okey, field, -n)
    if skey then redis.call('HINCRBY', skey, old, -n) end
  end
  if new then
    local field = 't:' .. target .. ':' .. new
    redis.call('HINCRBY', K.stats, field, n)
    redis.call('HINCRBY', okey, field, n)
    if skey then redis.call('HINCRBY', skey, new, n) end
    if new == 'error' then
      redis.call('HINCRBY', okey, 'retries', n)
    end
    if TERMINAL[new] and not TERMINAL[old or ''] then
      -- 'f:<target>:<status>' only grows: the metrics' counter of jobs finished
      redis.call('HINCRBY', K.stats, 'f:' .. target .. ':' .. new, n)
      redis.call('HINCRBY', okey, 'f:' .. target .. ':' .. new, n)
      local bucket = K.throughput(string.format('%d', math.floor(t / 60)))
      redis.call('HINCRBY', bucket, 'all', n)
      redis.call('HINCRBY', bucket, 'o:' .. org, n)
      redis.call('HINCRBY', bucket, 's:' .. new, n)
      redis.call('HINCRBY', bucket, 'os:' .. new .. ':' .. org, n)
      redis.call('EXPIRE', bucket, THROUGHPUT_TTL)
    end
  end
  -- a suite never expires while one of its jobs is unfinished; its retention starts when
  -- the last one ends (and stops again when a job of it is requeued). Only a change that
  -- ends a job or makes one unfinished (new, requeued) can move that count to or from 0;
  -- a step between unfinished statuses leaves the suite's keys as they are.
  local was_live = old ~= nil and old ~= '' and not TERMINAL[old]
  local is_live = new ~= nil and not TERMINAL[new]
  if skey and was_live ~= is_live then
    local live = 0
    for _, x in ipairs(redis.call('HMGET', skey, unpack(UNFINISHED))) do
      live = live + (tonumber(x) or 0)
    end
    for _, key in ipairs({ skey, K.suite(suite), K.suite_jobs(suite), K.events_suite(suite) }) do
      if live > 0 then
        redis.call('PERSIST', key)
      else
        redis.call('EXPIRE', key, JOB_TTL)
      end
    end
  end
end
