-- Remove scheduler consumers from the jobs stream's group that have been idle longer than
-- ARGV[2] ms and hold nothing (every start of a scheduler is a new consumer, host-pid).
-- One with pending entries stays: deleting it would drop them (its entries are claimed by
-- the other replicas first, and it goes at a later pass).
-- KEYS[1] jobs_stream  the submissions (whose consumer group is pruned)
-- ARGV[1]: the key base (unused: every key is in KEYS).
-- ARGV[2]: idle ms. Returns how many were removed.
local idle_ms = tonumber(ARGV[2])
if redis.call('EXISTS', K.jobs_stream) == 0 then
  return 0
end
local consumers = redis.pcall('XINFO', 'CONSUMERS', K.jobs_stream, SCHEDULER_GROUP)
if consumers.err then
  return 0  -- no group yet
end
local n = 0
for _, c in ipairs(consumers) do
  local info = {}
  for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
  if tonumber(info['pending']) == 0 and tonumber(info['idle']) > idle_ms then
    redis.call('XGROUP', 'DELCONSUMER', K.jobs_stream, SCHEDULER_GROUP, info['name'])
    n = n + 1
  end
end
return n
