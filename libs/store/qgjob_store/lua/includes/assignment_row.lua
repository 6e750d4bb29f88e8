-- The pending row {id, consumer, idle, deliveries} of entry eid of an assignment stream, or
-- nil when it is not pending; with consumer, only when that consumer holds it.
local function assignment_row(stream, eid, consumer)
  if not eid or eid == '' then return nil end
  local args = { 'XPENDING', stream, WORKER_GROUP, eid, eid, 1 }
  if consumer then args[#args + 1] = consumer end
  local r = redis.pcall(unpack(args))
  if type(r) ~= 'table' or r.err or #r == 0 then return nil end
  return r[1]
end
