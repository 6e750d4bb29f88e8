-- Take groups back from workers that can no longer run them, so nothing stays stranded:
-- a group dispatched to a worker that is gone (no heartbeat) or unhealthy (it reads no
-- assignment while its device is not ready); a group whose entry is not in its holder's
-- pending list; a running group whose lease expired (its entry idle in the holder's pending
-- list of the target's assignment stream longer than the worker's lease: the holder stopped
-- renewing); and a running group of a worker unhealthy for longer than its lease (its
-- heartbeat and renewals would otherwise keep the group for as long as the device stays
-- down). The holder is fenced; the group's entry goes back to the holding consumer and the
-- group waits for the scheduler again. Only workers' lists are looked at: the holding
-- consumer's entries are groups waiting, however long idle, never leases.
-- A call costs what changed, not the number of workers: it finds its candidates in indexes
-- the other scripts keep, each read up to a bound per call (the rest wait for the next):
-- workers whose liveness key should have expired by now (worker_deadlines, heartbeat.lua),
-- unhealthy workers due for a look (unhealthy_workers: at once, then when their lease would
-- run out), and leases that may have lapsed (lease_deadlines, acquire.lua and renew.lua: a
-- lower bound of when; each is checked against the entry's idle time as before). A slow
-- sweep looks at SWEEP more workers of `workers` per call, from a cursor kept in Redis,
-- for what no index shows: an entry missing from its holder's list, stale members of a
-- worker's groups, and workers or leases missing from the indexes (kept before they
-- existed), which it puts back.
-- KEYS[1] workers            every worker (the sweep reads them a few at a time)
-- KEYS[2] pending_groups     the groups waiting for a worker (a group taken back joins it)
-- KEYS[3] open_groups        the open group of each key (a group ended here leaves it)
-- KEYS[4] dur_test           the learned test durations (a group's recount)
-- KEYS[5] stats              the counters
-- KEYS[6] worker_deadlines   each worker by when its liveness key expires
-- KEYS[7] unhealthy_workers  the unhealthy workers, by when to look at them next
-- KEYS[8] lease_deadlines    held groups by the earliest time their lease can lapse
-- KEYS[9] recover_cursor     where the sweep of workers goes on
-- KEYS[10] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: lease in ms for workers that did not report one.
-- Returns the ids of the groups taken back.
--- @include "includes/changed"
--- @include "includes/assignment_row"
--- @include "includes/group_held"
--- @include "includes/now"
--- @include "includes/unassign"
local default_lease = tonumber(ARGV[2])
local DEAD, UNHEALTHY, LEASES, SWEEP = 50, 50, 100, 50  -- looked at per call, at most
local t = now()
local out = {}
local workers = {}  -- what this call read of each worker
local looked = {}   -- the workers whose groups this call looked at
local done = {}     -- the groups this call looked at

local function worker(wid)
  local w = workers[wid]
  if w then return w end
  local alive = redis.call('EXISTS', K.heartbeat(wid)) == 1
  local r = redis.call('HMGET', K.worker(wid), 'lease_ms', 'state', 'unhealthy_since')
  local lease = tonumber(r[1]) or default_lease
  local unhealthy = alive and r[2] == 'unhealthy'
  local since = tonumber(r[3]) or t
  w = { alive = alive, lease = lease, unhealthy = unhealthy, since = since,
    down_too_long = unhealthy and t - since > lease / 1000 }
  workers[wid] = w
  return w
end

-- the pending row of entry eid of target's stream in wid's list (nil when it is not there)
local function row_of(target, wid, eid)
  if not target or target == '' then return nil end
  return assignment_row(K.assign(target), eid, wid)
end

-- whether that entry has been idle at least idle ms (the stream's own test of a lease)
local function idle_past(target, wid, eid, idle)
  local r = redis.pcall('XPENDING', K.assign(target), WORKER_GROUP, 'IDLE', idle, eid, eid, 1,
    wid)
  return type(r) == 'table' and not r.err and #r > 0
end

-- Look at group gid (fields g: state, worker_id, entry, target), held by wid: take it back
-- when lost; a running group kept is (re)indexed at the time its lease lapses.
local function judge(gid, wid, g)
  done[gid] = true
  local w = worker(wid)
  local lost
  if g[1] == 'running' then
    -- a held group's entry is always in its holder's list; one that is not (a group held
    -- under the per-worker streams of an older version) is taken back too
    local row = not w.down_too_long and row_of(g[4], wid, g[3])
    local idle = row and tonumber(row[3]) or 0
    lost = not row or (idle >= w.lease and idle_past(g[4], wid, g[3], w.lease))
    if not lost then
      redis.call('ZADD', K.lease_deadlines, t + math.max(w.lease - idle, 1) / 1000, gid)
    end
  else
    lost = not w.alive or w.unhealthy or not row_of(g[4], wid, g[3])
  end
  if lost then
    unassign(gid, wid)
    redis.call('HINCRBY', K.stats, 'takeovers', 1)
    redis.call('ZREM', K.lease_deadlines, gid)
    out[#out + 1] = gid
  end
end

local function fields(gid)
  return redis.call('HMGET', K.group(gid), 'state', 'worker_id', 'entry', 'target')
end

-- every group worker wid holds (what recover read for each worker before the indexes)
local function look_at_worker(wid)
  if looked[wid] then return end
  looked[wid] = true
  for _, gid in ipairs(redis.call('SMEMBERS', K.worker_groups(wid))) do
    local g = fields(gid)
    if not GROUP_HELD[g[1]] or g[2] ~= wid then
      redis.call('SREM', K.worker_groups(wid), gid)
      changed('w', wid)
    elseif not done[gid] then
      judge(gid, wid, g)
    end
  end
end

local function due(key, n)
  return redis.call('ZRANGEBYSCORE', key, '-inf', t, 'LIMIT', 0, n)
end

-- leases that may have lapsed; a group no longer held leaves the index (its end or its
-- hand-back did not always say), and so does a dispatched one (acquire indexes it again)
for _, gid in ipairs(due(K.lease_deadlines, LEASES)) do
  local g = fields(gid)
  if GROUP_HELD[g[1]] and g[2] and g[2] ~= '' then
    judge(gid, g[2], g)
    if g[1] ~= 'running' then
      redis.call('ZREM', K.lease_deadlines, gid)
    end
  else
    redis.call('ZREM', K.lease_deadlines, gid)
  end
end

-- workers whose liveness key should have expired: one that beat again (or whose key is
-- kept longer) is due again when it expires; one gone leaves the index, its dispatched
-- groups taken back (its running ones go when their lease lapses, through their index)
for _, wid in ipairs(due(K.worker_deadlines, DEAD)) do
  look_at_worker(wid)
  if worker(wid).alive then
    local ms = redis.call('PTTL', K.heartbeat(wid))
    redis.call('ZADD', K.worker_deadlines, t + (ms > 0 and ms or default_lease) / 1000, wid)
  else
    redis.call('ZREM', K.worker_deadlines, wid)
    changed('w', wid)  -- the scheduler's view reads its lapse here too once it left the index
  end
end

-- unhealthy workers due: their dispatched groups go at once, their running ones once they
-- have been unhealthy longer than their lease, so the next look is then; after that, once a
-- lease (nothing new is dispatched to them: this catches what a race let through)
for _, wid in ipairs(due(K.unhealthy_workers, UNHEALTHY)) do
  look_at_worker(wid)
  local w = worker(wid)
  if not w.unhealthy then
    redis.call('ZREM', K.unhealthy_workers, wid)  -- well again (or gone: see above)
  elseif not w.down_too_long then
    redis.call('ZADD', K.unhealthy_workers, w.since + w.lease / 1000 + 0.001, wid)
  else
    redis.call('ZADD', K.unhealthy_workers, t + math.max(w.lease / 1000, 1), wid)
  end
end

-- the sweep: a few more workers each call, so that everything is looked at within
-- workers/SWEEP calls; a live worker missing from the indexes is put back (at when its key
-- expires: after an upgrade, every worker is missing, and would crowd the due ones out)
local cursor = redis.call('GET', K.recover_cursor) or '0'
local scan = redis.call('SSCAN', K.workers, cursor, 'COUNT', SWEEP)
redis.call('SET', K.recover_cursor, scan[1])
for _, wid in ipairs(scan[2]) do
  look_at_worker(wid)
  local w = worker(wid)
  if w.alive and not redis.call('ZSCORE', K.worker_deadlines, wid) then
    local ms = redis.call('PTTL', K.heartbeat(wid))
    redis.call('ZADD', K.worker_deadlines, t + (ms > 0 and ms or default_lease) / 1000, wid)
  end
  if w.unhealthy then
    redis.call('ZADD', K.unhealthy_workers, 'NX', t, wid)
  end
end
return out
