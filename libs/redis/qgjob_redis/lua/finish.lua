-- Record the outcome of a run, fenced by the group epoch: a worker that lost its lease
-- cannot overwrite a result. An infrastructure error is retried after a backoff (the job
-- waits in the delayed set with status 'error') until its attempts run out; then it is
-- dead and appended to the dead-letter stream.
-- ARGV[2]: group id, [3]: epoch, [4]: job id, [5]: worker id, [6]: outcome
-- (passed|failed|error|cancelled), [7]: result JSON, [8]: error message, [9]: backoff s,
-- [10]: log tail, [11]: '1' when the error is final (not retryable: dead at once),
-- [12]: weight of this run in the learned test duration (0..1).
-- A test that ran to a result (passed, failed) updates the learned duration of its
-- (org, target, test path) and its target's average.
-- Returns {'ok', new status, '1' when the group is asked to give its worker back}, or
-- {'fenced', status}.
local gid, epoch, jid, wid, outcome = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local result, err, backoff, tail = ARGV[7], ARGV[8], tonumber(ARGV[9]), ARGV[10]
local final = ARGV[11] == '1'
local alpha = tonumber(ARGV[12]) or 0.3
local jkey = K.job(jid)
local j = redis.call('HMGET', jkey, 'status', 'group_id', 'lease', 'attempts', 'max_attempts',
  'org_id', 'target', 'started_at', 'test_path')
if redis.call('HGET', K.group(gid), 'epoch') ~= epoch or j[1] ~= 'running'
    or j[2] ~= gid or j[3] ~= epoch then
  return { 'fenced', j[1] or 'missing' }
end
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
      { 'error', err, 'result', result, 'group_id', '', 'retry_at', fmt(t + backoff) }, extra)
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
    { 'finished_at', ts, 'result', result, 'cancel_requested', '' }, extra)
  local started = tonumber(j[8])
  if started and (outcome == 'passed' or outcome == 'failed') then
    ewma(K.dur_test, org .. '|' .. target .. '|' .. j[9], t - started, alpha)
    ewma(K.dur_target, target, t - started, alpha)
  end
end
return { 'ok', new, redis.call('HGET', K.group(gid), 'yield') or '' }
