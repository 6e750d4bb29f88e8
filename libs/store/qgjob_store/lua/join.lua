-- Put submissions read from the jobs stream into the open group of their
-- (org, app version, target, priority), and ack them in the same step. Idempotent: an
-- entry no longer pending was handled before and is skipped; a job that is no longer queued
-- (already grouped, cancelled) is only acked. An entry without a job, or naming something
-- that is not a usable job record (another type of key, fields missing or out of range),
-- goes to the dead-letter stream (poison; the job, if any, ends dead) and is acked; the
-- other entries of the call are grouped all the same.
-- A group stays open to new jobs (even while a worker runs it) until it is full or ends. A
-- new group gets its entry in its target's assignment stream, waiting (see open_entry).
-- KEYS[1]     jobs_stream             the submissions (each entry is acked here)
-- KEYS[2]     open_groups             the open group of each (org, app version, target, priority)
-- KEYS[3]     pending_groups          the groups waiting for a worker
-- KEYS[4]     group_seq               the last group number
-- KEYS[5]     groups_all              every group, by number
-- KEYS[6]     dur_test                the learned test durations
-- KEYS[7]     stats                   the counters
-- KEYS[8]     events                  every org's events
-- KEYS[9]     delayed                 the retries waiting (a poison job leaves it)
-- KEYS[10]    dead                    the dead letters (poison)
-- KEYS[11] sched_log  the scheduler's change log (what this call changed)
-- KEYS[12+3k] job(ARGV[5+2k])         each entry's job record
-- KEYS[13+3k] job_events(ARGV[5+2k])  the ids of its events
-- KEYS[14+3k] job_log(ARGV[5+2k])     its log (expiring when the job ends dead)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: max group size; ARGV[3]: expected seconds of a test never seen before;
-- ARGV[4..]: entry id, job id pairs (job id '' when absent).
-- Returns a flat list of touched group ids.
--- @include "includes/changed"
--- @include "includes/estimate"
--- @include "includes/fmt"
--- @include "includes/group_fields"
--- @include "includes/group_held"
--- @include "includes/index_group"
--- @include "includes/job_record"
--- @include "includes/now"
--- @include "includes/open_entry"
--- @include "includes/poison"
--- @include "includes/still_pending"
--- @include "includes/transition"

local max_size, default_s = tonumber(ARGV[2]), tonumber(ARGV[3])
local ts = fmt(now())
local touched, seen = {}, {}
for i = 4, #ARGV, 2 do
  local eid, jid = ARGV[i], ARGV[i + 1]
  if still_pending(K.jobs_stream, SCHEDULER_GROUP, eid) then
    local j, why = job_record(jid)
    if not j then
      poison('jobs', eid, jid, '', why)
    elseif j.status == 'queued' then
      local jkey = K.job(jid)
      local org, app, target, prio = j.org, j.app, j.target, j.prio
      local gkey = org .. '|' .. app .. '|' .. target .. '|' .. prio
      local gid = redis.call('HGET', K.open_groups, gkey)
      if gid then
        local g = group_fields(gid, 'size', 'state')
        if not g or g[2] ~= 'open' and not GROUP_HELD[g[2]]
            or tonumber(g[1] or max_size) >= max_size then
          gid = false
        end
      end
      if not gid then
        local seq = redis.call('INCR', K.group_seq)
        gid = 'g' .. seq
        index_group(org, seq, gid)
        redis.call('HINCRBY', K.stats_org(org), 'groups_formed', 1)
        redis.call('HSET', K.group(gid), 'id', gid, 'org_id', org, 'app_version_id', app,
          'target', target, 'state', 'open', 'size', 0, 'left', 0, 'work', 0, 'priority', prio,
          'created_at', ts, 'waiting_since', ts, 'epoch', 0)
        redis.call('HSET', K.open_groups, gkey, gid)
        redis.call('ZADD', K.pending_groups, ts, gid)
        open_entry(gid, target)
        redis.call('HINCRBY', K.stats, 'groups_formed', 1)
      end
      local gk = K.group(gid)
      local est = estimate(org, target, j.path, default_s)
      redis.call('RPUSH', K.group_jobs(gid), jid)
      redis.call('HINCRBY', gk, 'size', 1)
      redis.call('HINCRBY', gk, 'left', 1)
      redis.call('HINCRBYFLOAT', gk, 'work', est)
      transition(jkey, jid, org, target, 'queued', 'scheduled', ts,
        { 'group_id', gid, 'est_s', fmt(est) }, { 'group', gid })
      if not seen[gid] then
        seen[gid] = true
        changed('g', gid)
        touched[#touched + 1] = gid
      end
    end
    redis.call('XACK', K.jobs_stream, SCHEDULER_GROUP, eid)
  end
end
return touched
