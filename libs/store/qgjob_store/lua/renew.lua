-- Renew the lease on an assignment: reset the idle time of the group's entry in this worker's
-- pending list of its target's assignment stream (XCLAIM JUSTID to itself does not count a
-- delivery), only while the caller's epoch is the group's epoch: a worker whose group was
-- taken back claims nothing back. The group's place in recover's index of leases moves on
-- with it.
-- KEYS[1] group(ARGV[2])         the group record (its epoch is the lease, its target the stream)
-- KEYS[2] group_cancel(ARGV[2])  the group's jobs whose cancel was asked
-- KEYS[3] worker(ARGV[4])        the worker's record (its lease)
-- KEYS[4] lease_deadlines        held groups by when their lease can lapse (recover's index)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: group id, [3]: epoch, [4]: worker id, [5]: entry id.
-- Returns {0} when the lease was lost, else {1, {job ids whose cancel was requested}}.
local gid, epoch, wid, eid = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local g = redis.call('HMGET', K.group(gid), 'epoch', 'target')
if g[1] ~= epoch or not g[2] then
  return { 0 }
end
local claimed = redis.pcall('XCLAIM', K.assign(g[2]), WORKER_GROUP, wid, 0, eid, 'JUSTID')
if type(claimed) == 'table' and not claimed.err and #claimed > 0 then
  -- its place in recover's index of leases (as includes/index_lease.lua, written out: this
  -- script runs for every renewal)
  local lease = tonumber(redis.call('HGET', K.worker(wid), 'lease_ms')) or 0
  local t = redis.call('TIME')
  redis.call('ZADD', K.lease_deadlines, t[1] + t[2] / 1000000 + lease / 1000, gid)
end
return { 1, redis.call('SMEMBERS', K.group_cancel(gid)) }
