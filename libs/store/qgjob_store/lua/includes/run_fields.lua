-- Fields of a job a worker needs to run it, as a flat list.
local JOB_RUN_FIELDS = { 'id', 'org_id', 'app_version_id', 'test_path', 'target', 'priority',
                         'status', 'attempts', 'max_attempts', 'flaky_retries', 'app_url',
                         'traceparent' }
local function run_fields(jid)
  local v = redis.call('HMGET', K.job(jid), unpack(JOB_RUN_FIELDS))
  local out = {}
  for i = 1, #JOB_RUN_FIELDS do
    out[#out + 1] = JOB_RUN_FIELDS[i]
    out[#out + 1] = v[i] or ''
  end
  return out
end
