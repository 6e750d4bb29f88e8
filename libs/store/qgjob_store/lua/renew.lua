-- Renew the lease on an assignment: reset its idle time in the worker's inbox PEL (XCLAIM
-- JUSTID does not count a delivery), only while the caller's epoch is the group's epoch.
-- KEYS[1] group(ARGV[2])         the group record (its epoch is the lease)
-- KEYS[2] inbox(ARGV[4])         the worker's assignments (the entry's idle time is renewed)
-- KEYS[3] group_cancel(ARGV[2])  the group's jobs whose cancel was asked
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: group id, [3]: epoch, [4]: worker id, [5]: entry id.
-- Returns {0} when the lease was lost, else {1, {job ids whose cancel was requested}}.
local gid, epoch, wid, eid = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('HGET', K.group(gid), 'epoch') ~= epoch then
  return { 0 }
end
redis.call('XCLAIM', K.inbox(wid), WORKER_GROUP, wid, 0, eid, 'JUSTID')
return { 1, redis.call('SMEMBERS', K.group_cancel(gid)) }
