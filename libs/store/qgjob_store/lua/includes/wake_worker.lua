-- Tell worker wid that a group was given to it (it blocks on this list; a short one).
local function wake_worker(wid)
  local key = K.worker_wake(wid)
  redis.call('RPUSH', key, '1')
  redis.call('LTRIM', key, -10, -1)
end
