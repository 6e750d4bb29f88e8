--- @include "changed"
--- @include "fmt"
--- @include "now"
--- @include "sample_wait"
--- @include "to_dead"
--- @include "transition"

-- Mark a job running, fenced by the group epoch. A job found 'running' under another lease
-- belonged to an owner that lost it: that run counts as an infrastructure failure. Found
-- running under the caller's own lease, it was this call's first run (a retried call).
-- Returns {'ok', attempt}, {'skip', status} or {'fenced'}.
local function start_job(gid, epoch, jid, wid)
  local gk = K.group(gid)
  local g = redis.call('HMGET', gk, 'epoch', 'left', 'work')
  if g[1] ~= epoch then
    return { 'fenced' }
  end
  local jkey = K.job(jid)
  local j = redis.call('HMGET', jkey, 'status', 'group_id', 'attempts', 'max_attempts', 'org_id',
    'target', 'cancel_requested', 'est_s', 'suite_id', 'created_at', 'lease', 'worker_id')
  local st = j[1]
  if j[2] ~= gid or (st ~= 'scheduled' and st ~= 'running') then
    return { 'skip', st or 'missing' }
  end
  if st == 'running' and j[11] == epoch and j[12] == wid then
    return { 'ok', tonumber(j[3]) }  -- started by this very lease already: a repeated call
  end
  local attempts, maxa, org, target, suite = tonumber(j[3]), tonumber(j[4]), j[5], j[6], j[9]
  local t = now()
  local ts = fmt(t)
  if j[7] == '1' then
    transition(jkey, jid, org, target, st, 'cancelled', ts, { 'finished_at', ts },
      { 'group', gid }, suite)
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
  local est = tonumber(j[8]) or 0
  local left = tonumber(g[2]) or 0
  if left > 0 then
    redis.call('HSET', gk, 'left', left - 1, 'work', fmt((tonumber(g[3]) or 0) - est),
      'run_started', ts, 'run_est', fmt(est))
  else
    redis.call('HSET', gk, 'run_started', ts, 'run_est', fmt(est))
  end
  changed('p', gid)
  transition(jkey, jid, org, target, st, 'running', ts,
    { 'attempts', attempts, 'started_at', ts, 'worker_id', wid, 'lease', epoch, 'log_seq', 0 },
    { 'group', gid, 'worker', wid, 'attempt', attempts }, suite)
  if attempts == 1 and j[10] then
    sample_wait(org, t - tonumber(j[10]))
  end
  return { 'ok', attempts }
end
