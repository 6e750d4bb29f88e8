-- A worker takes a group the scheduler gave it (its entry in the target's assignment stream
-- is in this worker's pending list), or one it held before it restarted. Bumps the group's
-- epoch: the fencing token of every later start/finish/renew/close. An entry that is no
-- longer this worker's assignment (the group was taken back or ended meanwhile) is put where
-- its group's record says it belongs, never acked while the group lives. Poison is
-- dead-lettered and acked, never raised: an entry naming no group record (no id, another
-- type of key, no such group); a group of this worker's that cannot run (fields missing, a
-- job list that is not a list), which ends with its jobs dead; a poison job in the list,
-- which is left out (the others run). A repeated call with the same token answers as the
-- first did.
-- KEYS[1]  group(ARGV[2])          the group record (its epoch is the lease)
-- KEYS[2]  group_jobs(ARGV[2])     its jobs
-- KEYS[3]  group_cancel(ARGV[2])   its jobs whose cancel was asked (gone when it ends)
-- KEYS[4]  assign(ARGV[6])         the target's assignments (the worker's pending list)
-- KEYS[5]  worker_groups(ARGV[3])  the groups the worker holds
-- KEYS[6]  open_groups             the open group of each key (a group ended here leaves it)
-- KEYS[7]  pending_groups          the groups waiting for a worker
-- KEYS[8]  stats                   the counters
-- KEYS[9]  events                  every org's events
-- KEYS[10] delayed                 the retries waiting (a poison job leaves it)
-- KEYS[11] dead                    the dead letters (poison)
-- KEYS[12] worker(ARGV[3])         the worker's record (its lease)
-- KEYS[13] lease_deadlines         held groups by when their lease can lapse (recover's index)
-- KEYS[14] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: group id, [3]: worker id, [4]: assignment entry id, [5]: token of this call (''
-- for none), [6]: the worker's target (whose assignment stream holds the entry).
-- Returns {0} when there is nothing to run, else
-- {1, epoch, app_version_id, org_id, jobs in the list so far, {job fields...}...}.

--- @include "includes/changed"
--- @include "includes/assignment_row"
--- @include "includes/drop_group"
--- @include "includes/fmt"
--- @include "includes/group_fields"
--- @include "includes/group_held"
--- @include "includes/group_run_jobs"
--- @include "includes/index_lease"
--- @include "includes/now"
--- @include "includes/poison"
--- @include "includes/settle"

local gid, wid, eid, token, target = ARGV[2], ARGV[3], ARGV[4], ARGV[5] or '', ARGV[6]
local stream = K.assign(target)
local gk = K.group(gid)
local g = group_fields(gid, 'state', 'worker_id', 'entry', 'app_version_id', 'org_id',
  'acquired_by', 'epoch')
if g and token ~= '' and g[6] == token and g[1] == 'running' and g[2] == wid
    and g[3] == eid then
  local jobs, n = group_run_jobs(gid, 0, eid)
  if jobs then
    return { 1, tonumber(g[7]), g[4], g[5], n, jobs }
  end
end
local row = assignment_row(stream, eid, wid)
if not row then
  return { 0 }  -- not this worker's (any more), or handled before (a repeated call)
end
if not g or not g[1] then
  poison('assign', eid, '', gid, g and 'no such group' or 'not a group record')
  redis.call('XACK', stream, WORKER_GROUP, eid)
  return { 0 }
end
if not GROUP_HELD[g[1]] or g[2] ~= wid or g[3] ~= eid then
  settle(stream, eid, gid, 'assignment entry that is not its group\'s')
  return { 0 }
end
if not g[4] or g[4] == '' or not g[5] or g[5] == '' then
  drop_group(gid, wid, eid, 'group fields missing', stream)
  return { 0 }
end
local jobs, n = group_run_jobs(gid, 0, eid)
if not jobs then
  drop_group(gid, wid, eid, 'job list is not a list', stream)
  return { 0 }
end
if g[1] == 'dispatched' then
  redis.call('HSETNX', gk, 'started_at', fmt(now()))
else
  redis.call('HINCRBY', gk, 'takeovers', 1)
end
local epoch = redis.call('HINCRBY', gk, 'epoch', 1)
redis.call('HSET', gk, 'state', 'running', 'yield', '', 'acquired_by', token)
changed('g', gid)
index_lease(gid, wid, row[3])  -- its lease runs from the entry's hand-over or last renewal
return { 1, epoch, g[4], g[5], n, jobs }
