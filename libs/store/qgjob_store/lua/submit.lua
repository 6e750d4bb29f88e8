-- Create jobs and append them to the jobs stream, atomically and idempotently.
-- KEYS[1]     jobs_stream                        the submissions the schedulers read
-- KEYS[2]     idx_all                            every job, by id
-- KEYS[3]     stats                              the counters
-- KEYS[4]     events                             every org's events
-- KEYS[5]     idx_org(ARGV[2][1].org_id)         the org's jobs (the jobs of a call are of one org)
-- KEYS[6]     stats_org(ARGV[2][1].org_id)       the org's counters
-- KEYS[7]     events_org(ARGV[2][1].org_id)      the org's events
-- KEYS[8]     suite(ARGV[2][1].suite_id)         the suite's record (the jobs are of one suite or none)
-- KEYS[9]     suite_jobs(ARGV[2][1].suite_id)    the suite's jobs
-- KEYS[10]    suite_counts(ARGV[2][1].suite_id)  the suite's counters
-- KEYS[11]    events_suite(ARGV[2][1].suite_id)  the suite's events
-- KEYS[12]    suite_staging(ARGV[5].id)          the batches staged for the suite of ARGV[5]
-- KEYS[13+2k] job(ARGV[2][1+k].id)               each job's record
-- KEYS[14+2k] job_events(ARGV[2][1+k].id)        the ids of its events
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: JSON array of {id, org_id, target, suite_id, fields = [k, v, ...]}, all of one org.
-- ARGV[3]: cap on the org's unfinished jobs (0: none); ARGV[4]: jobs to check against the cap
-- (0: the new jobs of this call; a suite's first batch passes the whole suite).
-- ARGV[5]: JSON {id, fields = [k, v, ...]} of a suite record to create with the jobs, or ''.
-- ARGV[6]: '' to store the jobs now; 'stage:<n>' to stage them as batch n of the suite of
-- ARGV[5] (nothing is visible yet); 'publish:<n>' to store batches 1..n-1 staged before
-- and these jobs (batch n) together: a suite is either whole or absent, whatever fails
-- between its calls. Abandoned staging expires.
-- Returns {'ok', now, created_1, created_2, ...} with 1 for a new job and 0 for an existing
-- one, {'staged', now}, {'incomplete', missing batch} when a staged batch is gone (nothing
-- is written), or {'quota', unfinished} when the cap would be passed (nothing is written).
--- @include "includes/count"
--- @include "includes/emit"
--- @include "includes/fmt"
--- @include "includes/now"

local STAGING_TTL = 3600
local mode = ARGV[6] or ''
if mode:sub(1, 6) == 'stage:' then
  local key = K.suite_staging(cjson.decode(ARGV[5]).id)
  redis.call('HSET', key, mode:sub(7), ARGV[2])
  redis.call('EXPIRE', key, STAGING_TTL)
  return { 'staged', fmt(now()) }
end
local jobs = cjson.decode(ARGV[2])
local staging = nil
if mode:sub(1, 8) == 'publish:' then
  local suite_id = cjson.decode(ARGV[5]).id
  staging = K.suite_staging(suite_id)
  local all = {}
  for n = 1, tonumber(mode:sub(9)) - 1 do
    local batch = redis.call('HGET', staging, tostring(n))
    if not batch then
      if redis.call('EXISTS', K.suite(suite_id)) == 1 then
        all = {}  -- published before (a repeated call): its jobs exist
        break
      end
      return { 'incomplete', n }
    end
    for _, j in ipairs(cjson.decode(batch)) do all[#all + 1] = j end
  end
  for _, j in ipairs(jobs) do all[#all + 1] = j end
  jobs = all
end
local cap, need = tonumber(ARGV[3] or '0') or 0, tonumber(ARGV[4] or '0') or 0
local ts = fmt(now())
local fresh = {}
local n_fresh = 0
for i, j in ipairs(jobs) do
  fresh[i] = redis.call('EXISTS', K.job(j.id)) == 0
  if fresh[i] then n_fresh = n_fresh + 1 end
end
if cap > 0 and n_fresh > 0 then
  local open = 0
  local fields = {}
  for _, target in ipairs({ 'emulator', 'device', 'browserstack' }) do
    for _, status in ipairs({ 'queued', 'scheduled', 'running', 'error' }) do
      fields[#fields + 1] = 't:' .. target .. ':' .. status
    end
  end
  local v = redis.call('HMGET', K.stats_org(jobs[1].org_id), unpack(fields))
  for _, x in ipairs(v) do open = open + (tonumber(x) or 0) end
  if need == 0 then need = n_fresh end
  if open + need > cap then
    if staging then redis.call('DEL', staging) end
    return { 'quota', open }
  end
end
if ARGV[5] and ARGV[5] ~= '' then
  local suite = cjson.decode(ARGV[5])
  local skey = K.suite(suite.id)
  if redis.call('EXISTS', skey) == 0 then
    local args = { 'HSET', skey, 'id', suite.id, 'created_at', ts }
    for i = 1, #suite.fields do args[#args + 1] = suite.fields[i] end
    redis.call(unpack(args))
    redis.call('EXPIRE', skey, JOB_TTL)
  end
end
if staging then
  redis.call('DEL', staging)
end
-- Per job: its record, its stream entry and its event; the indexes, the suite's job list and
-- the counters are written once per call (all jobs are of one org).
local out = { 'ok', ts }
local ids = {}
local by_suite = {}
local changes = {} -- one count() per target and suite: { target, suite, jobs }
for i, j in ipairs(jobs) do
  if not fresh[i] then
    out[#out + 1] = 0
  else
    local args = { 'HSET', K.job(j.id), 'id', j.id, 'status', 'queued', 'attempts', 0,
                   'created_at', ts, 'updated_at', ts }
    for k = 1, #j.fields do args[#args + 1] = j.fields[k] end
    redis.call(unpack(args))
    redis.call('XADD', K.jobs_stream, '*', 'job', j.id)
    local suite = j.suite_id or ''
    emit(j.id, j.org_id, 'queued', ts, nil, suite)
    ids[#ids + 1] = j.id
    local change = j.target .. ' ' .. suite
    changes[change] = changes[change] or { j.target, suite, 0 }
    changes[change][3] = changes[change][3] + 1
    if suite ~= '' then
      by_suite[suite] = by_suite[suite] or {}
      table.insert(by_suite[suite], j.id)
    end
    out[#out + 1] = 1
  end
end
if #ids == 0 then
  return out
end
-- Lua's unpack takes a few thousand values at most: long lists go in slices of 1,000 ids.
local function in_slices(list, fn)
  for first = 1, #list, 1000 do
    fn(unpack(list, first, math.min(#list, first + 999)))
  end
end
local org = jobs[1].org_id
in_slices(ids, function(...)
  local scored = {}
  for _, id in ipairs({ ... }) do
    scored[#scored + 1] = 0
    scored[#scored + 1] = id
  end
  redis.call('ZADD', K.idx_all, unpack(scored))
  redis.call('ZADD', K.idx_org(org), unpack(scored))
end)
for suite, members in pairs(by_suite) do
  in_slices(members, function(...) redis.call('RPUSH', K.suite_jobs(suite), ...) end)
end
local t = tonumber(ts)
for _, c in pairs(changes) do
  count(org, c[1], nil, 'queued', c[2], t, c[3])
end
return out
