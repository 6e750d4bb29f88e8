-- The scheduler reads only what changed since its last look (view.lua): every write to a
-- group's or a worker's scheduling fields names the group ('g') or the worker ('w') in the
-- change log; 'p' is a running group's progress (its jobs left, the test under way), which
-- plans see but which does not call for a plan at once. Once per entity and kind per call.
-- The log is trimmed by view.lua; the cap only bounds it while no scheduler runs.
local CHANGES_CAP = 1000000
local changed_now = {}
local function changed(kind, id)
  local k = kind .. id
  if changed_now[k] then return end
  changed_now[k] = true
  redis.call('XADD', K.sched_log, 'MAXLEN', '~', CHANGES_CAP, '*', kind, id)
end
