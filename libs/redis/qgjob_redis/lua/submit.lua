-- Create jobs and append them to the jobs stream, atomically and idempotently.
-- ARGV[2]: JSON array of {id, org_id, target, fields = [k, v, ...]}.
-- Returns {now, created_1, created_2, ...} with 1 for a new job and 0 for an existing one.
local jobs = cjson.decode(ARGV[2])
local ts = fmt(now())
local out = { ts }
for _, j in ipairs(jobs) do
  local jkey = K.job(j.id)
  if redis.call('EXISTS', jkey) == 1 then
    out[#out + 1] = 0
  else
    local args = { 'HSET', jkey, 'id', j.id, 'status', 'queued', 'attempts', 0,
                   'created_at', ts, 'updated_at', ts }
    for i = 1, #j.fields do args[#args + 1] = j.fields[i] end
    redis.call(unpack(args))
    redis.call('ZADD', K.idx_all, 0, j.id)
    redis.call('ZADD', K.idx_org(j.org_id), 0, j.id)
    redis.call('XADD', K.jobs_stream, '*', 'job', j.id)
    count(j.target, nil, 'queued')
    emit(j.id, j.org_id, 'queued', ts)
    out[#out + 1] = 1
  end
end
return out
