-- A worker takes a group the scheduler put in its inbox (or one it held before it
-- restarted). Bumps the group's epoch: the fencing token of every later
-- start/finish/renew/close. An entry that no longer names this worker's assignment (the
-- group was taken back meanwhile) is only acked.
-- ARGV[2]: group id, [3]: worker id, [4]: inbox entry id.
-- Returns {0} when there is nothing to run, else
-- {1, epoch, app_version_id, org_id, jobs in the list so far, {job fields...}...}.
local gid, wid, eid = ARGV[2], ARGV[3], ARGV[4]
local gk = K.group(gid)
local g = redis.call('HMGET', gk, 'state', 'worker_id', 'entry', 'app_version_id', 'org_id')
if not GROUP_HELD[g[1]] or g[2] ~= wid or g[3] ~= eid then
  redis.call('XACK', K.inbox(wid), WORKER_GROUP, eid)
  return { 0 }
end
if g[1] == 'dispatched' then
  redis.call('HSETNX', gk, 'started_at', fmt(now()))
else
  redis.call('HINCRBY', gk, 'takeovers', 1)
end
local epoch = redis.call('HINCRBY', gk, 'epoch', 1)
redis.call('HSET', gk, 'state', 'running', 'yield', '')
local ids = redis.call('LRANGE', K.group_jobs(gid), 0, -1)
local jobs = {}
for _, jid in ipairs(ids) do
  if redis.call('HGET', K.job(jid), 'group_id') == gid then
    jobs[#jobs + 1] = run_fields(jid)
  end
end
return { 1, epoch, g[4], g[5], #ids, jobs }
