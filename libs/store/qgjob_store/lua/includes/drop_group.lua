--- @include "changed"
--- @include "end_group"
--- @include "group_fields"
--- @include "job_record"
--- @include "poison"

-- Give up on group gid, which worker wid holds by entry eid of assignment stream stream and
-- cannot run (its record is poison, or it failed on every worker it was given to): ack the
-- entry, free the lane, end the group and dead-letter each of its unfinished jobs (one letter
-- for the entry when there is none), so nothing waits for it in silence.
local function drop_group(gid, wid, eid, why, stream)
  redis.call('XACK', stream, WORKER_GROUP, eid)
  local ended = 0
  local g = group_fields(gid, 'org_id', 'app_version_id', 'target', 'priority', 'state')
  if g and g[5] then
    redis.call('SREM', K.worker_groups(wid), gid)
    changed('w', wid)
    changed('g', gid)
    local ids = redis.pcall('LRANGE', K.group_jobs(gid), 0, -1)
    if type(ids) == 'table' and not ids.err then
      for _, jid in ipairs(ids) do
        local j = job_record(jid)
        if j and j.group == gid and (j.status == 'scheduled' or j.status == 'running') then
          poison('assign', eid, jid, gid, why)
          ended = ended + 1
        end
      end
    end
    if g[1] and g[2] and g[3] and g[4] then
      end_group(gid)
    else
      redis.call('HSET', K.group(gid), 'state', 'done', 'left', 0, 'work', 0)
      redis.call('ZREM', K.pending_groups, gid)
      redis.call('EXPIRE', K.group(gid), GROUP_TTL)
    end
  end
  if ended == 0 then
    poison('assign', eid, '', gid, why)
  end
end
