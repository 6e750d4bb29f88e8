--- @include "ewma"
--- @include "fmt"
--- @include "now"
--- @include "to_dead"
--- @include "transition"

-- Record the outcome of a run, fenced by the group epoch (see finish.lua). The run's mark
-- (group, epoch, worker, attempt) is kept with the job: a repeated call answers as the first
-- did and changes nothing.
-- Returns {'ok', new status, the group's 'yield' flag, 'repeat' when recorded before} or
-- {'fenced', status}.
local function finish_job(gid, epoch, jid, wid, outcome, result, err, backoff, tail, final,
                          alpha)
  local jkey = K.job(jid)
  local j = redis.call('HMGET', jkey, 'status', 'group_id', 'lease', 'attempts', 'max_attempts',
    'org_id', 'target', 'started_at', 'test_path', 'suite_id', 'finish_mark', 'finish_status')
  local g = redis.call('HMGET', K.group(gid), 'epoch', 'yield')
  local mark = gid .. '|' .. epoch .. '|' .. wid .. '|' .. (j[4] or '')
  if j[11] == mark then
    return { 'ok', j[12], g[2] or '', 'repeat' }
  end
  if g[1] ~= epoch or j[1] ~= 'running' or j[2] ~= gid or j[3] ~= epoch then
    return { 'fenced', j[1] or 'missing' }
  end
  local suite = j[10]
  local attempts, maxa, org, target = tonumber(j[4]), tonumber(j[5]), j[6], j[7]
  local t = now()
  local ts = fmt(t)
  local extra = { 'group', gid, 'worker', wid, 'attempt', attempts }
  local new = outcome
  redis.call('SREM', K.group_cancel(gid), jid)
  if outcome == 'error' then
    if attempts < maxa and not final then
      extra[#extra + 1] = 'message'
      extra[#extra + 1] = err
      transition(jkey, jid, org, target, 'running', 'error', ts,
        { 'error', err, 'result', result, 'group_id', '', 'retry_at', fmt(t + backoff) }, extra,
        suite)
      redis.call('ZADD', K.delayed, t + backoff, jid)
      redis.call('HINCRBY', K.stats, 'retries', 1)
    else
      redis.call('HSET', jkey, 'result', result)
      local reason = final and 'not_retryable' or 'attempts_exhausted'
      to_dead(jkey, jid, org, target, 'running', ts, reason, attempts, err, tail)
      new = 'dead'
    end
  else
    transition(jkey, jid, org, target, 'running', outcome, ts,
      { 'finished_at', ts, 'result', result, 'cancel_requested', '' }, extra, suite)
    local started = tonumber(j[8])
    if started and (outcome == 'passed' or outcome == 'failed') then
      ewma(K.dur_test, org .. '|' .. target .. '|' .. j[9], t - started, alpha)
      ewma(K.dur_target, target, t - started, alpha)
      ewma(K.dur_test_org(org), target .. '|' .. j[9], t - started, alpha)
      ewma(K.dur_target_org(org), target, t - started, alpha)
    end
  end
  redis.call('HSET', jkey, 'finish_mark', mark, 'finish_status', new)
  return { 'ok', new, g[2] or '', '' }
end
