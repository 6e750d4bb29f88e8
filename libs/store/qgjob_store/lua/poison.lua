-- The consumer loops' last guard: entries delivered more times than they may be (the reader
-- saw their delivery count) are dead-lettered as poison, so no fault in a script can wedge
-- a stream. A jobs-stream entry's job ends dead with the reason; an assignment's group, if
-- this worker still holds it, goes back to wait for the scheduler the first time, and the
-- second time its unfinished jobs end dead (nothing is lost; nothing goes round for ever).
-- Entries no longer pending were handled meanwhile (or by a first call) and are skipped.
-- ARGV[2]: 'jobs' or 'inbox', [3]: worker id (for 'inbox'), [4..]: entry id, the id the
-- entry names (job or group), times delivered. Returns how many were dead-lettered.
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
