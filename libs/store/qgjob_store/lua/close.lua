-- End a group's run: when jobs joined since the worker last looked, hand them over;
-- otherwise mark the group done, stop it taking jobs, ack its assignment entry (end_group)
-- and free the lane. Safe to repeat: a group closed before answers 'done' and nothing is
-- written again.
-- KEYS[1]  group(ARGV[2])          the group record (its epoch is the lease)
-- KEYS[2]  group_jobs(ARGV[2])     its jobs
-- KEYS[3]  group_cancel(ARGV[2])   its jobs whose cancel was asked (gone when it ends)
-- KEYS[4]  worker_groups(ARGV[4])  the groups the worker holds
-- KEYS[5]  open_groups             the open group of each key (the group leaves it)
-- KEYS[6]  pending_groups          the groups waiting for a worker
-- KEYS[7]  wake                    the schedulers' wake-up stream (a lane came free)
-- KEYS[8]  stats                   the counters
-- KEYS[9]  events                  every org's events
-- KEYS[10] delayed                 the retries waiting (a poison job leaves it)
-- KEYS[11] dead                    the dead letters (poison)
-- KEYS[12] lease_deadlines         held groups by when their lease can lapse (it leaves)
-- KEYS[13] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: group id, [3]: epoch, [4]: worker id, [5]: entry id,
-- [6]: number of jobs of the group's list the worker has seen.
-- Returns {'more', jobs in the list now, {job fields...}...}, {'done'} or {'fenced'}.

--- @include "includes/changed"
--- @include "includes/end_group"
--- @include "includes/group_run_jobs"
--- @include "includes/wake_scheduler"

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
changed('w', wid)
redis.call('ZREM', K.lease_deadlines, gid)
wake_scheduler()
return { 'done' }
