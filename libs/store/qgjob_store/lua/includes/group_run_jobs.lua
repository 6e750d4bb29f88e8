--- @include "job_record"
--- @include "poison"
--- @include "run_fields"

-- The run fields of the jobs of group gid from position first (0-based) of its list: jobs
-- of another group are left out, poison ones dead-lettered (once: the group's 'checked'
-- field counts the positions looked at) and left out.
-- Returns the list and the list's length, or nil when the list is not a list.
local function group_run_jobs(gid, first, eid)
  local ids = redis.pcall('LRANGE', K.group_jobs(gid), first, -1)
  if type(ids) ~= 'table' or ids.err then
    return nil, 0
  end
  local checked = tonumber(redis.call('HGET', K.group(gid), 'checked')) or 0
  local jobs = {}
  for k, jid in ipairs(ids) do
    local j, why = job_record(jid)
    if not j then
      if first + k > checked then
        poison('assign', eid, jid, gid, why)
      end
    elseif j.group == gid then
      jobs[#jobs + 1] = run_fields(jid)
    end
  end
  if first + #ids > checked then
    redis.call('HSET', K.group(gid), 'checked', first + #ids)
  end
  return jobs, first + #ids
end
