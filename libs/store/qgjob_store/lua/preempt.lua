-- Ask running groups to give their worker back after the test running now (the worker
-- sees it when it records that test's result, and releases the rest of the group).
-- KEYS[1] sched_log  the scheduler's change log (what this call changed)
-- KEYS[2+k] group(ARGV[2+k])  each group's record
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2..]: group ids. Returns how many were asked.
--- @include "includes/changed"
local n = 0
for i = 2, #ARGV do
  local gk = K.group(ARGV[i])
  if redis.call('HGET', gk, 'state') == 'running' then
    redis.call('HSET', gk, 'yield', '1')
    changed('g', ARGV[i])
    n = n + 1
  end
end
return n
