--- @include "entry_field"
--- @include "read_entries"
--- @include "settle"

-- Give new group gid of target its entry in the target's assignment stream, pending under
-- HOLDING_CONSUMER (it waits for the scheduler). Every entry a script adds is read at once
-- in the same script, so the consumer group's last delivered id is the stream's tail and
-- the read returns exactly the new entry; anything read before it was added by other means
-- (by hand, or the group was recreated) and is settled. Returns the entry id.
local function open_entry(gid, target)
  local stream = K.assign(target)
  redis.pcall('XGROUP', 'CREATE', stream, WORKER_GROUP, '0', 'MKSTREAM')
  local eid = redis.call('XADD', stream, '*', 'group', gid)
  local found = false
  while not found do
    local got = read_entries(redis.call('XREADGROUP', 'GROUP', WORKER_GROUP, HOLDING_CONSUMER,
      'COUNT', 1, 'STREAMS', stream, '>'))
    if #got == 0 then break end  -- cannot happen (the new entry is unread): never a loop
    for _, e in ipairs(got) do
      if e[1] == eid then
        found = true
      else
        settle(stream, e[1], entry_field(e[2], 'group'), 'assignment entry no script added')
      end
    end
  end
  redis.call('HSET', K.group(gid), 'entry', eid)
  return eid
end
