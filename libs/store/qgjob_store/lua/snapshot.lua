-- What the scheduling policy needs, per target: the live workers that take work (idle or
-- busy; not draining, not unhealthy), with capacity, installed versions and the groups they
-- hold; the groups they hold and the groups waiting; and the learned install time. Drops
-- stale index entries on the way. Waiting groups: the oldest PENDING_PER_TARGET of each
-- target that have jobs left (looking at PENDING_SCAN at most); a waiting group with nothing
-- left is ended, not listed.
-- KEYS[1]   pending_groups             the groups waiting (stale entries are dropped)
-- KEYS[2]   dur_install                the learned install time per target
-- KEYS[3]   dur_test                   the learned test durations (a waiting group's recount)
-- KEYS[4]   open_groups                the open group of each key (a group ended here leaves it)
-- KEYS[5+2k] target_workers(ARGV[2+k])  the workers of each target
-- KEYS[6+2k] assign(ARGV[2+k])          its assignments (a group ended here is acked)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2..]: targets.
-- Returns {now, {worker rows}, {group rows}, {target, install s}...}.
--- @include "includes/end_group"
--- @include "includes/fmt"
--- @include "includes/group_fields"
--- @include "includes/group_held"
--- @include "includes/now"
--- @include "includes/recount"
--- @include "includes/takes_work"

local t = now()
local workers, groups, installs = {}, {}, {}
local GROUP_FIELDS = { 'target', 'org_id', 'app_version_id', 'priority', 'state', 'size', 'left',
  'work', 'waiting_since', 'dispatched_at', 'worker_id', 'yield', 'run_started', 'run_est' }

local function group_row(gid)
  local v = group_fields(gid, unpack(GROUP_FIELDS)) or {}  -- not a group: dropped as stale
  local row = { gid }
  for i = 1, #GROUP_FIELDS do row[#row + 1] = v[i] or '' end
  return row, v[5], v[11]
end

for i = 2, #ARGV do
  local target = ARGV[i]
  installs[#installs + 1] = { target, redis.call('HGET', K.dur_install, target) or '' }
  for _, wid in ipairs(redis.call('SMEMBERS', K.target_workers(target))) do
    local held = {}
    for _, gid in ipairs(redis.call('SMEMBERS', K.worker_groups(wid))) do
      local row, state, owner = group_row(gid)
      if GROUP_HELD[state] and owner == wid then
        held[#held + 1] = gid
        groups[#groups + 1] = row
      else
        redis.call('SREM', K.worker_groups(wid), gid)
      end
    end
    local w = redis.call('HMGET', K.worker(wid), 'state', 'capacity', 'versions')
    if redis.call('EXISTS', K.heartbeat(wid)) == 1 and TAKES_WORK[w[1]] then
      workers[#workers + 1] = { wid, target, w[2] or '1', w[3] or '[]', held }
    end
  end
end
local PENDING_PER_TARGET, PENDING_SCAN, CHUNK, REPAIRS_MAX = 1000, 20000, 500, 1000
local repairs = 0
local taken = {}
local scanned = 0
local offset = 0
while scanned < PENDING_SCAN do
  local ids = redis.call('ZRANGE', K.pending_groups, offset, offset + CHUNK - 1)
  offset = offset + #ids
  for _, gid in ipairs(ids) do
    local row, state = group_row(gid)
    local left = tonumber(row[8]) or 0
    if state == 'open' and left <= 0 and repairs < REPAIRS_MAX then
      -- nothing left to run (stored before cancels ended such groups): end it, so it cannot
      -- take the place of a group that has work
      repairs = repairs + 1
      left = recount(gid)
      if left == 0 then
        end_group(gid)
        state = 'done'
      else
        row = group_row(gid)
      end
    end
    if state ~= 'open' then
      redis.call('ZREM', K.pending_groups, gid)
      offset = offset - 1
    elseif left > 0 and (taken[row[2]] or 0) < PENDING_PER_TARGET then
      taken[row[2]] = (taken[row[2]] or 0) + 1
      groups[#groups + 1] = row
    end
  end
  if #ids < CHUNK then break end
  scanned = scanned + #ids
end
return { fmt(t), workers, groups, installs }
