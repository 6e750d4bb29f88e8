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
-- ARGV[2]: 'jobs' or 'assign', [3]: worker id and [4]: its target (for 'assign'),
-- [5..]: entry id, the id the entry names (job or group), times delivered.
-- Returns how many were dead-lettered.
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
