--- @include "group_fields"
--- @include "group_held"
--- @include "hand_entry"
--- @include "poison"

-- Put entry eid of an assignment stream, found where its group's record does not expect it,
-- where that record says it belongs: HOLDING_CONSUMER's list when the group waits, its
-- holder's when a worker holds it. An entry of a group that ended is acked; one that names
-- no group, or not as that group's entry, is poison (dead-lettered with why, and acked).
-- Returns 'waiting', 'held', 'acked' or 'poison'.
local function settle(stream, eid, gid, why)
  local g = group_fields(gid, 'state', 'worker_id', 'entry')
  if g and g[3] == eid then
    if g[1] == 'open' then
      hand_entry(stream, eid, HOLDING_CONSUMER)
      return 'waiting'
    elseif GROUP_HELD[g[1]] and g[2] and g[2] ~= '' then
      hand_entry(stream, eid, g[2])
      return 'held'
    end
    redis.call('XACK', stream, WORKER_GROUP, eid)
    return 'acked'
  end
  redis.call('XACK', stream, WORKER_GROUP, eid)
  poison('assign', eid, '', gid, why)
  return 'poison'
end
