-- What the dispatch policy needs: every open (undispatched) group and, per target,
-- the live idle workers and the dispatched groups no worker took yet.
-- ARGV[2]: heartbeat TTL in seconds; ARGV[3..]: targets.
-- Returns {now, {target, idle, waiting}..., groups = {gid, target, size, created_at, priority}...}
local ttl = tonumber(ARGV[2])
local t = now()
local targets = {}
for i = 3, #ARGV do
  local target = ARGV[i]
  local idle = redis.call('ZCOUNT', K.idle(target), t - ttl, '+inf')
  local waiting = tonumber(redis.call('HGET', K.stats, 'waiting:' .. target) or '0')
  targets[#targets + 1] = { target, idle, waiting }
end
local groups = {}
for _, gid in ipairs(redis.call('ZRANGE', K.pending_groups, 0, 999)) do
  local g = redis.call('HMGET', K.group(gid), 'target', 'size', 'created_at', 'priority', 'org_id',
    'app_version_id', 'state')
  if g[7] == 'open' then
    groups[#groups + 1] = { gid, g[1], g[2], g[3], g[4], g[5], g[6] }
  else
    redis.call('ZREM', K.pending_groups, gid)
  end
end
return { fmt(t), targets, groups }
