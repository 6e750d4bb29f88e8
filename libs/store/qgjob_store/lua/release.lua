-- A worker gives its group back at a test boundary: when it drains (shutting down), when
-- the scheduler asked for the lane (more urgent or fairer work is waiting), or after an
-- error it did not expect (the jobs it ran were charged an attempt already). The worker is
-- fenced, the group's assignment entry goes back to the holding consumer, and the rest of
-- the group waits for the scheduler again (or ends, when nothing is left).
-- After an error that could not even be recorded ('unrecorded': nothing was charged), the
-- group counts a strike; at the UNRECORDED_STRIKES-th its unfinished jobs end dead instead
-- (nothing goes round for ever when recording itself fails).
-- KEYS[1]  group(ARGV[2])          the group record (its epoch is the lease)
-- KEYS[2]  group_jobs(ARGV[2])     its jobs
-- KEYS[3]  group_cancel(ARGV[2])   its jobs whose cancel was asked (gone when it ends)
-- KEYS[4]  worker(ARGV[4])         the worker's record (draining)
-- KEYS[5]  worker_groups(ARGV[4])  the groups the worker holds
-- KEYS[6]  open_groups             the open group of each key (a group ended here leaves it)
-- KEYS[7]  pending_groups          the groups waiting for a worker
-- KEYS[8]  wake                    the schedulers' wake-up stream (a lane came free)
-- KEYS[9]  dur_test                the learned test durations (the group's recount)
-- KEYS[10] stats                   the counters
-- KEYS[11] events                  every org's events
-- KEYS[12] delayed                 the retries waiting (a dead job leaves it)
-- KEYS[13] dead                    the dead letters
-- KEYS[14] lease_deadlines         held groups by when their lease can lapse (it leaves)
-- KEYS[15] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: group id, [3]: epoch, [4]: worker id, [5]: entry id, [6]: 'drain', 'yield',
-- 'error' or 'unrecorded'.
-- Returns 1, or 0 when the caller no longer held the group.
--- @include "includes/changed"
--- @include "includes/drop_group"
--- @include "includes/unassign"
--- @include "includes/wake_scheduler"

local gid, epoch, wid, eid, why = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local mark = epoch .. '|' .. wid
local g = redis.call('HMGET', K.group(gid), 'epoch', 'released_by', 'target')
if g[1] ~= epoch then
  return g[2] == mark and 1 or 0  -- 1: released by this very call before (a repeat)
end
redis.call('ZREM', K.lease_deadlines, gid)  -- held no more, whichever way it goes
local UNRECORDED_STRIKES = 3
if why == 'unrecorded'
    and redis.call('HINCRBY', K.group(gid), 'unrecorded', 1) >= UNRECORDED_STRIKES then
  redis.call('HINCRBY', K.group(gid), 'epoch', 1)  -- the worker is fenced all the same
  redis.call('HSET', K.group(gid), 'released_by', mark)
  drop_group(gid, wid, eid, 'errors no worker could record, ' .. UNRECORDED_STRIKES .. ' times',
    K.assign(g[3]))
  wake_scheduler()
  return 1
end
unassign(gid, wid)
redis.call('HSET', K.group(gid), 'released_by', mark)
if why == 'drain' then
  redis.call('HSET', K.worker(wid), 'state', 'draining')
  changed('w', wid)
elseif why == 'yield' then
  redis.call('HINCRBY', K.stats, 'preemptions', 1)
end
wake_scheduler()
return 1
