-- A worker takes a group it read (or claimed) from its target's assignment stream.
-- Bumps the group's epoch: the fencing token of every later start/finish/renew.
-- ARGV[2]: group id, [3]: worker id, [4]: stream entry id, [5]: target.
-- Returns {0} when there is nothing to run (the entry is acked), else
-- {1, epoch, app_version_id, org_id, job count, {job fields...}...}.
local gid, wid, eid, target = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local gk = K.group(gid)
local g = redis.call('HMGET', gk, 'state', 'app_version_id', 'org_id')
if g[1] ~= 'dispatched' and g[1] ~= 'running' then
  redis.call('XACK', K.assign(target), WORKER_GROUP, eid)
  return { 0 }
end
local ts = fmt(now())
if g[1] == 'dispatched' then
  redis.call('HINCRBY', K.stats, 'waiting:' .. target, -1)
  redis.call('HSETNX', gk, 'started_at', ts)
else
  redis.call('HINCRBY', gk, 'takeovers', 1)
end
local epoch = redis.call('HINCRBY', gk, 'epoch', 1)
redis.call('HSET', gk, 'state', 'running', 'worker_id', wid, 'entry', eid)
redis.call('ZREM', K.idle(target), wid)
redis.call('HSET', K.worker(wid), 'state', 'busy', 'group_id', gid)
local ids = redis.call('LRANGE', K.group_jobs(gid), 0, -1)
local jobs = {}
for _, jid in ipairs(ids) do jobs[#jobs + 1] = run_fields(jid) end
return { 1, epoch, g[2], g[3], #ids, jobs }
