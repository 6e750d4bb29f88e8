-- The consumer loops' last guard: entries delivered more times than they may be (the reader
-- saw their delivery count) are dead-lettered as poison, so no fault in a script can wedge
-- a stream. A jobs-stream entry's job ends dead with the reason. An assignment's group, if
-- this worker still holds it, goes back to wait for the scheduler the first time (its entry
-- to the holding consumer, its delivery count from 0), and the second time its unfinished
-- jobs end dead (nothing is lost; nothing goes round for ever); an assignment entry in the
-- worker's list that is not its group's assignment of this worker is put where it belongs
-- (see settle), or dead-lettered.
-- Entries no longer pending (for an assignment: in this worker's list) were handled
-- meanwhile (or by a first call) and are skipped.
-- KEYS[1]     worker_groups(ARGV[3])    the groups the worker holds (for 'assign')
-- KEYS[2]     assign(ARGV[4])           the target's assignments (for 'assign')
-- KEYS[3]     jobs_stream               the submissions (for 'jobs')
-- KEYS[4]     open_groups               the open group of each key (a group ended here leaves it)
-- KEYS[5]     pending_groups            the groups waiting for a worker
-- KEYS[6]     dur_test                  the learned test durations (a group's recount)
-- KEYS[7]     stats                     the counters
-- KEYS[8]     events                    every org's events
-- KEYS[9]     delayed                   the retries waiting (a dead job leaves it)
-- KEYS[10]    dead                      the dead letters
-- KEYS[11] sched_log  the scheduler's change log (what this call changed)
-- KEYS[12+6k] job(ARGV[6+3k])           the job each entry names (for 'jobs')
-- KEYS[13+6k] job_events(ARGV[6+3k])    the ids of its events
-- KEYS[14+6k] job_log(ARGV[6+3k])       its log
-- KEYS[15+6k] group(ARGV[6+3k])         the group each entry names (for 'assign')
-- KEYS[16+6k] group_jobs(ARGV[6+3k])    its jobs
-- KEYS[17+6k] group_cancel(ARGV[6+3k])  its jobs whose cancel was asked
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: 'jobs' or 'assign', [3]: worker id and [4]: its target (for 'assign'),
-- [5..]: entry id, the id the entry names (job or group), times delivered.
-- Returns how many were dead-lettered.
--- @include "includes/assignment_row"
--- @include "includes/drop_group"
--- @include "includes/group_fields"
--- @include "includes/group_held"
--- @include "includes/poison"
--- @include "includes/settle"
--- @include "includes/still_pending"
--- @include "includes/unassign"
local kind, wid, target = ARGV[2], ARGV[3], ARGV[4]
local STRIKES = 2  -- times a group may be given back this way before its jobs end dead
local n = 0
for i = 5, #ARGV, 3 do
  local eid, id = ARGV[i], ARGV[i + 1]
  local why = 'delivered ' .. ARGV[i + 2] .. ' times without being handled'
  if kind == 'jobs' then
    if still_pending(K.jobs_stream, SCHEDULER_GROUP, eid) then
      poison('jobs', eid, id, '', why)
      redis.call('XACK', K.jobs_stream, SCHEDULER_GROUP, eid)
      n = n + 1
    end
  else
    local stream = K.assign(target)
    if assignment_row(stream, eid, wid) then
      local g = group_fields(id, 'state', 'worker_id', 'entry')
      local held = g and GROUP_HELD[g[1]] and g[2] == wid and g[3] == eid
      if held and redis.call('HINCRBY', K.group(id), 'strikes', 1) < STRIKES then
        unassign(id, wid)  -- its jobs wait for another worker
        poison('assign', eid, '', id, why)
        n = n + 1
      elseif held then
        drop_group(id, wid, eid, why, stream)  -- it failed this way before
        n = n + 1
      else
        if settle(stream, eid, id, why) == 'poison' then n = n + 1 end
      end
    end
  end
end
return n
