-- Give a group back at once (a draining worker): fence the caller, publish the group
-- again for another worker of the target and ack the old assignment.
-- ARGV[2]: group id, [3]: epoch, [4]: worker id, [5]: entry id, [6]: target.
local gid, epoch, wid, eid, target = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local gk = K.group(gid)
if redis.call('HGET', gk, 'epoch') ~= epoch then
  return 0
end
redis.call('HINCRBY', gk, 'epoch', 1)
redis.call('HSET', gk, 'state', 'dispatched', 'worker_id', '')
redis.call('XACK', K.assign(target), WORKER_GROUP, eid)
redis.call('XADD', K.assign(target), '*', 'group', gid,
  'priority', redis.call('HGET', gk, 'priority'))
redis.call('HINCRBY', K.stats, 'waiting:' .. target, 1)
redis.call('HSET', K.worker(wid), 'state', 'draining', 'group_id', '')
return 1
