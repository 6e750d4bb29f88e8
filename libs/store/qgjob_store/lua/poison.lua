-- The consumer loops' last guard: entries delivered more times than they may be (the reader
-- saw their delivery count) are dead-lettered as poison, so no fault in a script can wedge
-- a stream. A jobs-stream entry's job ends dead with the reason; an assignment's group, if
-- this worker still holds it, goes back to wait for the scheduler the first time, and the
-- second time its unfinished jobs end dead (nothing is lost; nothing goes round for ever).
-- Entries no longer pending were handled meanwhile (or by a first call) and are skipped.
-- KEYS[1]     inbox(ARGV[3])            the worker's assignments (for 'inbox')
-- KEYS[2]     worker_groups(ARGV[3])    the groups the worker holds (for 'inbox')
-- KEYS[3]     jobs_stream               the submissions (for 'jobs')
-- KEYS[4]     open_groups               the open group of each key (a group ended here leaves it)
-- KEYS[5]     pending_groups            the groups waiting for a worker
-- KEYS[6]     dur_test                  the learned test durations (a group's recount)
-- KEYS[7]     stats                     the counters
-- KEYS[8]     events                    every org's events
-- KEYS[9]     delayed                   the retries waiting (a dead job leaves it)
-- KEYS[10]    dead                      the dead letters
-- KEYS[11+6k] job(ARGV[5+3k])           the job each entry names (for 'jobs')
-- KEYS[12+6k] job_events(ARGV[5+3k])    the ids of its events
-- KEYS[13+6k] job_log(ARGV[5+3k])       its log
-- KEYS[14+6k] group(ARGV[5+3k])         the group each entry names (for 'inbox')
-- KEYS[15+6k] group_jobs(ARGV[5+3k])    its jobs
-- KEYS[16+6k] group_cancel(ARGV[5+3k])  its jobs whose cancel was asked
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: 'jobs' or 'inbox', [3]: worker id (for 'inbox'), [4..]: entry id, the id the
-- entry names (job or group), times delivered. Returns how many were dead-lettered.
--- @include "includes/drop_group"
--- @include "includes/group_fields"
--- @include "includes/group_held"
--- @include "includes/poison"
--- @include "includes/still_pending"
--- @include "includes/unassign"

local stream, wid = ARGV[2], ARGV[3]
local STRIKES = 2  -- times a group may be given back this way before its jobs end dead
local n = 0
for i = 4, #ARGV, 3 do
  local eid, id = ARGV[i], ARGV[i + 1]
  local why = 'delivered ' .. ARGV[i + 2] .. ' times without being handled'
  if stream == 'jobs' then
    if still_pending(K.jobs_stream, SCHEDULER_GROUP, eid) then
      poison('jobs', eid, id, '', why)
      redis.call('XACK', K.jobs_stream, SCHEDULER_GROUP, eid)
      n = n + 1
    end
  elseif still_pending(K.inbox(wid), WORKER_GROUP, eid) then
    local g = group_fields(id, 'state', 'worker_id', 'entry')
    local held = g and GROUP_HELD[g[1]] and g[2] == wid and g[3] == eid
    if held and redis.call('HINCRBY', K.group(id), 'strikes', 1) < STRIKES then
      unassign(id, wid, eid)  -- its jobs wait for another worker
      poison('inbox', eid, '', id, why)
    elseif held then
      drop_group(id, wid, eid, why)  -- it failed this way before: nothing goes round for ever
    else
      redis.call('XACK', K.inbox(wid), WORKER_GROUP, eid)
      if id ~= '' then redis.call('SREM', K.worker_groups(wid), id) end
      poison('inbox', eid, '', id, why)
    end
    n = n + 1
  end
end
return n
