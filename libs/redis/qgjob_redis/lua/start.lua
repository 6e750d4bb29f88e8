-- Mark a job running, fenced by the group epoch. A job found 'running' belonged to an
-- owner that lost its lease: that run counts as an infrastructure failure.
-- ARGV[2]: group id, [3]: epoch, [4]: job id, [5]: worker id.
-- Returns {'ok', attempt}, {'skip', status} or {'fenced'}.
local gid, epoch, jid, wid = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('HGET', K.group(gid), 'epoch') ~= epoch then
  return { 'fenced' }
end
local jkey = K.job(jid)
local j = redis.call('HMGET', jkey, 'status', 'group_id', 'attempts', 'max_attempts', 'org_id',
  'target', 'cancel_requested', 'error')
local st = j[1]
if j[2] ~= gid or (st ~= 'scheduled' and st ~= 'running') then
  return { 'skip', st or 'missing' }
end
local attempts, maxa, org, target = tonumber(j[3]), tonumber(j[4]), j[5], j[6]
local ts = fmt(now())
if j[7] == '1' then
  transition(jkey, jid, org, target, st, 'cancelled', ts, { 'finished_at', ts }, { 'group', gid })
  return { 'skip', 'cancelled' }
end
if st == 'running' then
  if attempts >= maxa then
    to_dead(jkey, jid, org, target, st, ts, 'lease_lost', attempts,
      'worker lost its lease while running the test', '')
    return { 'skip', 'dead' }
  end
  redis.call('HINCRBY', K.stats, 'retries', 1)
end
attempts = attempts + 1
local est = tonumber(redis.call('HGET', jkey, 'est_s')) or 0
local gk = K.group(gid)
if (tonumber(redis.call('HGET', gk, 'left')) or 0) > 0 then
  redis.call('HINCRBY', gk, 'left', -1)
  redis.call('HINCRBYFLOAT', gk, 'work', -est)
end
redis.call('HSET', gk, 'run_started', ts, 'run_est', fmt(est))
transition(jkey, jid, org, target, st, 'running', ts,
  { 'attempts', attempts, 'started_at', ts, 'worker_id', wid, 'lease', epoch },
  { 'group', gid, 'worker', wid, 'attempt', attempts })
return { 'ok', attempts }
