-- A worker's lane came free: tell the schedulers so they plan now, not at their next tick.
local function wake_scheduler()
  redis.call('XADD', K.wake, 'MAXLEN', '~', 1000, '*', 'w', 1)
end
