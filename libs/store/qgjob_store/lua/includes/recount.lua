--- @include "changed"
--- @include "estimate"
--- @include "fmt"

-- Count a group's jobs still to run (scheduled, or running with no live owner) and refresh
-- their expected durations: the group's 'left' and 'work' fields. Returns the count.
local function recount(gid)
  local left, work = 0, 0
  for _, jid in ipairs(redis.call('LRANGE', K.group_jobs(gid), 0, -1)) do
    local jkey = K.job(jid)
    local j = redis.call('HMGET', jkey, 'status', 'group_id', 'org_id', 'target', 'test_path',
      'est_s')
    if j[2] == gid and (j[1] == 'scheduled' or j[1] == 'running') then
      local est = estimate(j[3], j[4], j[5], tonumber(j[6]) or 0)
      redis.call('HSET', jkey, 'est_s', fmt(est))
      left = left + 1
      work = work + est
    end
  end
  redis.call('HSET', K.group(gid), 'left', left, 'work', fmt(work))
  changed('g', gid)
  return left
end
