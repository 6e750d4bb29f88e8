-- Create jobs and append them to the jobs stream, atomically and idempotently.
-- ARGV[2]: JSON array of {id, org_id, target, suite_id, fields = [k, v, ...]}, all of one org.
-- ARGV[3]: cap on the org's unfinished jobs (0: none); ARGV[4]: jobs to check against the cap
-- (0: the new jobs of this call; a suite's first batch passes the whole suite).
-- ARGV[5]: JSON {id, fields = [k, v, ...]} of a suite record to create with the jobs, or ''.
-- Returns {'ok', now, created_1, created_2, ...} with 1 for a new job and 0 for an existing
-- one, or {'quota', unfinished} when the cap would be passed (nothing is written).
local jobs = cjson.decode(ARGV[2])
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
local out = { 'ok', ts }
for i, j in ipairs(jobs) do
  if not fresh[i] then
    out[#out + 1] = 0
  else
    local jkey = K.job(j.id)
    local args = { 'HSET', jkey, 'id', j.id, 'status', 'queued', 'attempts', 0,
                   'created_at', ts, 'updated_at', ts }
    for k = 1, #j.fields do args[#args + 1] = j.fields[k] end
    redis.call(unpack(args))
    redis.call('ZADD', K.idx_all, 0, j.id)
    redis.call('ZADD', K.idx_org(j.org_id), 0, j.id)
    redis.call('XADD', K.jobs_stream, '*', 'job', j.id)
    local suite = j.suite_id or ''
    if suite ~= '' then
      redis.call('RPUSH', K.suite_jobs(suite), j.id)
    end
    count(j.org_id, j.target, nil, 'queued', suite, tonumber(ts))
    emit(j.id, j.org_id, 'queued', ts, nil, suite)
    out[#out + 1] = 1
  end
end
return out
