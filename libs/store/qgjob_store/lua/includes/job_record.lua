-- Stored data is checked before it is used: a key of another type, a record with fields
-- missing or out of their models' range, must not stop a script midway (Redis does not roll
-- back what ran before the error). Such data is 'poison': it goes to the dead-letter stream
-- and the script goes on with the rest.
local JOB_CHECK = { 'status', 'org_id', 'app_version_id', 'target', 'priority', 'test_path',
                    'attempts', 'max_attempts', 'group_id' }

-- A job record, checked: {status, org, app, target, prio, path, group} or nil and why not.
local function job_record(jid)
  if not jid or jid == '' then
    return nil, 'no job id'
  end
  local v = redis.pcall('HMGET', K.job(jid), unpack(JOB_CHECK))
  if type(v) ~= 'table' or v.err then
    return nil, 'not a job record'
  end
  if not v[1] then
    return nil, 'no such job'
  end
  if not STATUSES[v[1]] then
    return nil, 'unknown status'
  end
  for i, name in ipairs({ 'org_id', 'app_version_id', 'target', 'priority', 'test_path' }) do
    if not v[i + 1] or v[i + 1] == '' then
      return nil, 'no ' .. name
    end
  end
  if not TARGETS[v[4]] then
    return nil, 'unknown target'
  end
  if not PRIORITIES[v[5]] then
    return nil, 'unknown priority'
  end
  if not tonumber(v[7]) or not tonumber(v[8]) then
    return nil, 'attempts are not numbers'
  end
  return { status = v[1], org = v[2], app = v[3], target = v[4], prio = v[5], path = v[6],
           group = v[9] or '' }
end
