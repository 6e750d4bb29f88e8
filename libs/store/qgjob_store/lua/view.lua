-- What the scheduler's view of workers and groups (qgjob_store.scheduler_view) must read
-- again: the groups and workers the change log names after the cursor, the workers whose
-- heartbeat lapsed since the last look, and, for a full load, the next chunk of a target's
-- workers or of the waiting groups. The work of a call grows with what changed, not with the farm.
-- Trims the log to its last LOG_KEEP_MS and remembers the newest entry it trimmed: a cursor
-- older than that has missed changes (the view loads everything again).
-- A worker row: {id, target, capacity, versions, {groups it holds}, takes work (1/0)}; a
-- worker that is no longer registered comes with target ''. Its held groups come as group
-- rows too; a group it no longer holds leaves its set. A group row: {id, GROUP_FIELDS...}
-- ('' state: no such group). A waiting group with nothing left (stored before cancels ended
-- such groups) is ended here; a group no longer waiting leaves the waiting index.
-- KEYS[1] sched_log         the change log (read after the cursor, trimmed)
-- KEYS[2] sched_log_floor   the id below which the log was trimmed
-- KEYS[3] worker_deadlines  when each worker's heartbeat lapses
-- KEYS[4] dur_install       the learned install time per target
-- KEYS[5] pending_groups    the groups waiting (one no longer waiting leaves it)
-- KEYS[6] open_groups       the open group of each key (a group ended here leaves it)
-- KEYS[7] dur_test          the learned test durations (a waiting group's recount)
-- KEYS[8] target_workers(ARGV[6])  the workers of the target whose chunk is loaded
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: cursor (the last log id seen; '': read no log, return its last id);
-- ARGV[3]: time of the last look ('': none; workers whose heartbeat lapsed after it are read);
-- ARGV[4]: most log entries to read; ARGV[5]: what to load a chunk of ('', 'workers' of
-- the target ARGV[6] from SSCAN cursor ARGV[7], 'waiting' groups from offset ARGV[7]).
-- Returns {now, time seen until (the next call's ARGV[3]), cursor, status ('ok'; 'more':
-- entries remain after the cursor; 'gap': some after it were trimmed), {worker rows},
-- {group rows}, {target, install s, ...}, structural (1 when a group or a worker changed, 0
-- when only running groups progressed), where the load goes on ('' when it is done)}.
--- @include "includes/end_group"
--- @include "includes/fmt"
--- @include "includes/group_fields"
--- @include "includes/group_held"
--- @include "includes/now"
--- @include "includes/recount"
--- @include "includes/takes_work"

local LOG_KEEP_MS, REPAIRS_MAX, LAPSED_MAX = 30000, 100, 200
local GROUP_FIELDS = { 'target', 'org_id', 'app_version_id', 'priority', 'state', 'size', 'left',
  'work', 'waiting_since', 'dispatched_at', 'worker_id', 'yield', 'run_started', 'run_est' }
local t = now()
local cursor, since, most = ARGV[2], ARGV[3], tonumber(ARGV[4])

local function id_parts(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms) or 0, tonumber(seq) or 0
end
local function id_below(a, b)
  local am, as = id_parts(a)
  local bm, bs = id_parts(b)
  return am < bm or (am == bm and as < bs)
end

local wanted_w, wanted_g, order_w, order_g = {}, {}, {}, {}
local function want(kind, id)
  if kind == 'w' and not wanted_w[id] then
    wanted_w[id] = true
    order_w[#order_w + 1] = id
  elseif kind ~= 'w' and not wanted_g[id] then
    wanted_g[id] = true
    order_g[#order_g + 1] = id
  end
end

local status, structural = 'ok', 0
if cursor == '' then
  local last = redis.call('XREVRANGE', K.sched_log, '+', '-', 'COUNT', 1)
  cursor = last[1] and last[1][1] or '0-0'
else
  local floor = redis.call('GET', K.sched_log_floor)
  if floor and id_below(cursor, floor) then
    status = 'gap'
  else
    -- the range starts at the cursor's own entry (read again, skipped): most + 2 entries
    -- show whether more than most follow it
    local entries = redis.call('XRANGE', K.sched_log, cursor, '+', 'COUNT', most + 2)
    local n = 0
    for _, e in ipairs(entries) do
      if e[1] ~= cursor then
        if n == most then
          status = 'more'
          break
        end
        n = n + 1
        cursor = e[1]
        local kind, id = e[2][1], e[2][2]
        if kind ~= 'p' then structural = 1 end
        want(kind, id)
      end
    end
  end
  -- the floor is the newest entry trimmed (a cursor at or past it missed nothing), not the
  -- cut: with no change for LOG_KEEP_MS, a cursor at the last entry is older than the cut
  local cut = math.floor(t * 1000) - LOG_KEEP_MS
  local oldest = redis.call('XRANGE', K.sched_log, '-', '+', 'COUNT', 1)[1]
  if oldest and id_below(oldest[1], cut .. '-0') then
    local newest_old = redis.call('XREVRANGE', K.sched_log, (cut - 1) .. '-18446744073709551615',
      '-', 'COUNT', 1)[1]
    redis.call('XTRIM', K.sched_log, 'MINID', '~', cut)
    local floor = redis.call('GET', K.sched_log_floor)
    if newest_old and not (floor and id_below(newest_old[1], floor)) then
      redis.call('SET', K.sched_log_floor, newest_old[1])
    end
  end
end
local seen_until = fmt(t)
if since ~= '' then
  local lapsed = redis.call('ZRANGEBYSCORE', K.worker_deadlines, '(' .. since, seen_until,
    'WITHSCORES', 'LIMIT', 0, LAPSED_MAX)
  for i = 1, #lapsed, 2 do
    structural = 1
    want('w', lapsed[i])
  end
  if #lapsed == 2 * LAPSED_MAX then
    seen_until = lapsed[#lapsed]  -- the rest on the next call
  end
end
local CHUNK = 100  -- workers or waiting groups per call of a full load
local load, go_on = ARGV[5], ''
if load == 'workers' then
  local scan = redis.call('SSCAN', K.target_workers(ARGV[6]), ARGV[7], 'COUNT', CHUNK)
  for _, wid in ipairs(scan[2]) do want('w', wid) end
  go_on = scan[1] ~= '0' and scan[1] or ''
elseif load == 'waiting' then
  local offset = tonumber(ARGV[7]) or 0
  local ids = redis.call('ZRANGE', K.pending_groups, offset, offset + CHUNK - 1)
  for _, gid in ipairs(ids) do want('g', gid) end
  go_on = #ids == CHUNK and tostring(offset + CHUNK) or ''
end

local repairs = 0
local groups, listed = {}, {}
local function group_row(gid)
  local v = group_fields(gid, unpack(GROUP_FIELDS)) or {}
  local row = { gid }
  for i = 1, #GROUP_FIELDS do row[#row + 1] = v[i] or '' end
  return row, v[5], v[11], tonumber(v[7]) or 0
end
-- list group gid (its row, state and jobs left when the caller read them already)
local function list_group(gid, row, state, left)
  if listed[gid] then return end
  listed[gid] = true
  if not row then
    local _
    row, state, _, left = group_row(gid)
  end
  if state == 'open' and left <= 0 and repairs < REPAIRS_MAX then
    repairs = repairs + 1
    if recount(gid) == 0 then end_group(gid) end
    row, state = group_row(gid)
  end
  if state ~= 'open' then
    redis.call('ZREM', K.pending_groups, gid)
  end
  groups[#groups + 1] = row
end

local workers = {}
for _, wid in ipairs(order_w) do
  local w = redis.call('HMGET', K.worker(wid), 'target', 'state', 'capacity', 'versions')
  local held = {}
  for _, gid in ipairs(redis.call('SMEMBERS', K.worker_groups(wid))) do
    local row, state, owner, left = group_row(gid)
    if GROUP_HELD[state] and owner == wid then
      held[#held + 1] = gid
      list_group(gid, row, state, left)
    else
      redis.call('SREM', K.worker_groups(wid), gid)
    end
  end
  local live = w[1] and redis.call('EXISTS', K.heartbeat(wid)) == 1 and TAKES_WORK[w[2]]
  workers[#workers + 1] = { wid, w[1] or '', w[3] or '1', w[4] or '[]', held, live and 1 or 0 }
end
for _, gid in ipairs(order_g) do
  list_group(gid)
end
local installs = {}
local all = redis.call('HGETALL', K.dur_install)
for i = 1, #all, 2 do
  installs[#installs + 1] = { all[i], all[i + 1] }
end
return { fmt(t), seen_until, cursor, status, workers, groups, installs, structural, go_on }
