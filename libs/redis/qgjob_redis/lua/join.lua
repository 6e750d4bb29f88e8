-- Put submissions read from the jobs stream into the open group of their
-- (org, app version, target, priority), and ack them in the same step. Idempotent: a job
-- that is no longer queued (already grouped, cancelled) is only acked. An entry without a
-- job, or naming an unknown job, goes to the dead-letter stream (poison) and is acked.
-- A group stays open to new jobs (even while a worker runs it) until it is full or ends.
-- ARGV[2]: max group size; ARGV[3]: expected seconds of a test never seen before;
-- ARGV[4..]: entry id, job id pairs (job id '' when absent).
-- Returns a flat list of touched group ids.
local max_size, default_s = tonumber(ARGV[2]), tonumber(ARGV[3])
local ts = fmt(now())
local touched, seen = {}, {}
for i = 4, #ARGV, 2 do
  local eid, jid = ARGV[i], ARGV[i + 1]
  local jkey = K.job(jid)
  local j = nil
  if jid ~= '' then
    j = redis.call('HMGET', jkey, 'status', 'org_id', 'app_version_id', 'target', 'priority',
      'test_path')
  end
  if j == nil or not j[1] then
    dead_letter(nil, { 'reason', 'poison', 'entry', eid, 'job', jid, 'stream', 'jobs', 'at', ts })
  elseif j[1] == 'queued' then
    local org, app, target, prio = j[2], j[3], j[4], j[5]
    local gkey = org .. '|' .. app .. '|' .. target .. '|' .. prio
    local gid = redis.call('HGET', K.open_groups, gkey)
    if gid and tonumber(redis.call('HGET', K.group(gid), 'size') or max_size) >= max_size then
      gid = false
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
      redis.call('HINCRBY', K.stats, 'groups_formed', 1)
    end
    local gk = K.group(gid)
    local est = estimate(org, target, j[6], default_s)
    redis.call('RPUSH', K.group_jobs(gid), jid)
    redis.call('HINCRBY', gk, 'size', 1)
    redis.call('HINCRBY', gk, 'left', 1)
    redis.call('HINCRBYFLOAT', gk, 'work', est)
    transition(jkey, jid, org, target, 'queued', 'scheduled', ts,
      { 'group_id', gid, 'est_s', fmt(est) }, { 'group', gid })
    if not seen[gid] then
      seen[gid] = true
      touched[#touched + 1] = gid
    end
  end
  redis.call('XACK', K.jobs_stream, SCHEDULER_GROUP, eid)
end
return touched
