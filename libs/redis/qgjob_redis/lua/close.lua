-- End a group's run: when jobs joined since the worker last looked, hand them over;
-- otherwise mark the group done, stop it taking jobs and ack its assignment.
-- ARGV[2]: group id, [3]: epoch, [4]: worker id, [5]: entry id, [6]: target,
-- [7]: number of jobs the worker has seen. Returns {'more', {job fields...}...},
-- {'done'} or {'fenced'}.
local gid, epoch, wid, eid, target, seen = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6],
  tonumber(ARGV[7])
local gk = K.group(gid)
if redis.call('HGET', gk, 'epoch') ~= epoch then
  return { 'fenced' }
end
local n = redis.call('LLEN', K.group_jobs(gid))
if n > seen then
  local jobs = {}
  for _, jid in ipairs(redis.call('LRANGE', K.group_jobs(gid), seen, -1)) do
    jobs[#jobs + 1] = run_fields(jid)
  end
  return { 'more', jobs }
end
local g = redis.call('HMGET', gk, 'org_id', 'app_version_id', 'target')
local okey = g[1] .. '|' .. g[2] .. '|' .. g[3]
if redis.call('HGET', K.open_groups, okey) == gid then
  redis.call('HDEL', K.open_groups, okey)
end
redis.call('HSET', gk, 'state', 'done', 'finished_at', fmt(now()))
redis.call('XACK', K.assign(target), WORKER_GROUP, eid)
redis.call('HSET', K.worker(wid), 'state', 'idle', 'group_id', '')
redis.call('EXPIRE', gk, GROUP_TTL)
redis.call('EXPIRE', K.group_jobs(gid), GROUP_TTL)
redis.call('DEL', K.group_cancel(gid))
return { 'done' }
