-- Carry out a dispatch plan: give groups to workers, whole or split (a group split off gets
-- its own assignment entry, as every new group does). Each step checks again
-- what the plan assumed (the worker is live, takes work, serves the group's target, has a free
-- lane; the group is still waiting, or still has jobs to split off), so a stale plan or a
-- second scheduler cannot over-assign. A plan runs once: a retried call returns what the
-- first one did.
-- KEYS[1]     plan(ARGV[2])              what the plan gave, kept a minute (a repeated call returns it)
-- KEYS[2]     pending_groups             the groups waiting for a worker
-- KEYS[3]     group_seq                  the last group number (a split makes a group)
-- KEYS[4]     groups_all                 every group, by number
-- KEYS[5]     dur_test                   the learned test durations (a group's recount)
-- KEYS[6]     stats                      the counters
-- KEYS[7] dead  the dead letters (poison)
-- KEYS[8] delayed  the retries waiting (a poison job leaves it)
-- KEYS[9] events  every org's events
-- KEYS[10] sched_log  the scheduler's change log (what this call changed)
-- KEYS[11+6k]  group(ARGV[3+3k])          each step's group record
-- KEYS[12+6k]  group_jobs(ARGV[3+3k])     its jobs
-- KEYS[13+6k]  worker(ARGV[4+3k])         the step's worker record
-- KEYS[14+6k] heartbeat(ARGV[4+3k])      whether that worker is live
-- KEYS[15+6k] worker_groups(ARGV[4+3k])  the groups it holds
-- KEYS[16+6k] worker_wake(ARGV[4+3k])    its wake-up list (a group was given to it)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: plan id; ARGV[3..]: group id, worker id, take ('' for the whole group) triples.
-- Returns the ids of the groups given to workers.
--- @include "includes/changed"
--- @include "includes/assignment_row"
--- @include "includes/fmt"
--- @include "includes/group_held"
--- @include "includes/hand_entry"
--- @include "includes/index_group"
--- @include "includes/now"
--- @include "includes/open_entry"
--- @include "includes/recount"
--- @include "includes/takes_work"
--- @include "includes/wake_worker"

local plan = ARGV[2]
local before = redis.call('GET', K.plan(plan))
if before then
  return cjson.decode(before)
end
local ts = fmt(now())

local function lane_free(wid, target)
  if redis.call('EXISTS', K.heartbeat(wid)) == 0 then return false end
  local w = redis.call('HMGET', K.worker(wid), 'target', 'state', 'capacity')
  return w[1] == target and TAKES_WORK[w[2]]
    and redis.call('SCARD', K.worker_groups(wid)) < (tonumber(w[3]) or 1)
end

-- The group's assignment entry moves from the holding consumer into the worker's pending
-- list (a group with no pending entry, stored before entries lived as long as their group,
-- gets one first), and the worker is woken.
local function give(gid, wid, target)
  local gk = K.group(gid)
  recount(gid)
  local stream = K.assign(target)
  local eid = redis.call('HGET', gk, 'entry')
  if not assignment_row(stream, eid) then
    eid = open_entry(gid, target)
  end
  hand_entry(stream, eid, wid)
  redis.call('HSET', gk, 'state', 'dispatched', 'worker_id', wid, 'dispatched_at', ts,
    'yield', '')
  redis.call('ZREM', K.pending_groups, gid)
  redis.call('SADD', K.worker_groups(wid), gid)
  changed('g', gid)
  changed('w', wid)
  wake_worker(wid)
end

-- Move up to `take` not-started jobs from the tail of group gid into a new group for worker
-- wid. The source keeps at least one, unless wid is its holder and is running one of its
-- tests (another lane of the same worker): then even the last job behind that test may move.
-- Returns the new group's id, or nil.
local function split(gid, take, wid)
  local gk = K.group(gid)
  local g = redis.call('HMGET', gk, 'state', 'org_id', 'app_version_id', 'target', 'priority',
    'worker_id')
  if g[1] ~= 'open' and not GROUP_HELD[g[1]] then return nil end
  local waiting, keep = {}, 1
  for _, jid in ipairs(redis.call('LRANGE', K.group_jobs(gid), 0, -1)) do
    local j = redis.call('HMGET', K.job(jid), 'status', 'group_id')
    if j[2] == gid then
      if j[1] == 'scheduled' then
        waiting[#waiting + 1] = jid
      elseif j[1] == 'running' and g[1] == 'running' and g[6] == wid then
        keep = 0
      end
    end
  end
  local n = math.min(take, #waiting - keep)
  if n < 1 then return nil end
  local seq = redis.call('INCR', K.group_seq)
  local ng = 'g' .. seq
  redis.call('HSET', K.group(ng), 'id', ng, 'org_id', g[2], 'app_version_id', g[3],
    'target', g[4], 'state', 'open', 'size', n, 'priority', g[5], 'created_at', ts,
    'waiting_since', ts,
    'epoch', 0, 'parent', gid)
  index_group(g[2], seq, ng)
  open_entry(ng, g[4])
  local moved = 0
  for k = #waiting - n + 1, #waiting do
    local jid = waiting[k]
    redis.call('RPUSH', K.group_jobs(ng), jid)
    redis.call('HSET', K.job(jid), 'group_id', ng)
    moved = moved + (tonumber(redis.call('HGET', K.job(jid), 'est_s')) or 0)
  end
  if g[1] == 'running' then
    redis.call('HINCRBY', gk, 'left', -n)
    redis.call('HINCRBYFLOAT', gk, 'work', -moved)
  else
    recount(gid)
  end
  redis.call('HINCRBY', K.stats, 'groups_split', 1)
  changed('g', gid)
  changed('g', ng)
  return ng
end

local out = {}
for i = 3, #ARGV, 3 do
  local gid, wid, take = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local g = redis.call('HMGET', K.group(gid), 'target', 'state')
  if g[1] and lane_free(wid, g[1]) then
    local chosen = nil
    if take then
      chosen = split(gid, take, wid)
    elseif g[2] == 'open' then
      chosen = gid
    end
    if chosen then
      give(chosen, wid, g[1])
      out[#out + 1] = chosen
    end
  end
end
redis.call('SET', K.plan(plan), cjson.encode(out), 'EX', 60)
return out
