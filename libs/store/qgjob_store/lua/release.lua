-- A worker gives its group back at a test boundary: when it drains (shutting down), when
-- the scheduler asked for the lane (more urgent or fairer work is waiting), or after an
-- error it did not expect (the jobs it ran were charged an attempt already). The worker is
-- fenced, the group's assignment entry goes back to the holding consumer, and the rest of
-- the group waits for the scheduler again (or ends, when nothing is left).
-- After an error that could not even be recorded ('unrecorded': nothing was charged), the
-- group counts a strike; at the UNRECORDED_STRIKES-th its unfinished jobs end dead instead
-- (nothing goes round for ever when recording itself fails).
-- ARGV[2]: group id, [3]: epoch, [4]: worker id, [5]: entry id, [6]: 'drain', 'yield',
-- 'error' or 'unrecorded'.
-- Returns 1, or 0 when the caller no longer held the group.
local gid, epoch, wid, eid, why = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local mark = epoch .. '|' .. wid
local g = redis.call('HMGET', K.group(gid), 'epoch', 'released_by', 'target')
if g[1] ~= epoch then
  return g[2] == mark and 1 or 0  -- 1: released by this very call before (a repeat)
end
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
elseif why == 'yield' then
  redis.call('HINCRBY', K.stats, 'preemptions', 1)
end
wake_scheduler()
return 1
