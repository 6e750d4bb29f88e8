-- Publish open groups to their target's assignment stream.
-- ARGV[2..]: group ids. Returns the ids that were dispatched.
local ts = fmt(now())
local out = {}
for i = 2, #ARGV do
  local gid = ARGV[i]
  local gk = K.group(gid)
  local g = redis.call('HMGET', gk, 'state', 'target', 'priority')
  if g[1] == 'open' then
    redis.call('HSET', gk, 'state', 'dispatched', 'dispatched_at', ts)
    redis.call('ZREM', K.pending_groups, gid)
    redis.call('XADD', K.assign(g[2]), '*', 'group', gid, 'priority', g[3])
    redis.call('HINCRBY', K.stats, 'waiting:' .. g[2], 1)
    out[#out + 1] = gid
  end
end
return out
