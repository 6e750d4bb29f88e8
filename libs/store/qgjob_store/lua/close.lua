-- End a group's run: when jobs joined since the worker last looked, hand them over;
-- otherwise mark the group done, stop it taking jobs, ack its assignment entry (end_group)
-- and free the lane. Safe to repeat: a group closed before answers 'done' and nothing is
-- written again.
-- ARGV[2]: group id, [3]: epoch, [4]: worker id, [5]: entry id,
-- [6]: number of jobs of the group's list the worker has seen.
-- Returns {'more', jobs in the list now, {job fields...}...}, {'done'} or {'fenced'}.
local gid, epoch, wid, eid, seen = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local gk = K.group(gid)
if redis.call('HGET', gk, 'epoch') ~= epoch then
  return { 'fenced' }
end
if redis.call('HGET', gk, 'state') == 'done' then
  return { 'done' }  -- closed before (a repeated call)
end
local jobs, n = group_run_jobs(gid, seen, eid)
if jobs and n > seen then
  return { 'more', n, jobs }
end
end_group(gid)
redis.call('SREM', K.worker_groups(wid), gid)
wake_scheduler()
return { 'done' }
