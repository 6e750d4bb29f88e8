-- Cancel jobs. Waiting jobs (queued, scheduled, error) end 'cancelled' at once; a running
-- job is flagged, and its worker stops the test and finishes it 'cancelled'. A waiting
-- group whose last job this was ends with it (state, indexes, expiry). Cancelling again
-- changes nothing: a job already flagged is not flagged (nor announced) twice.
-- KEYS[1]    delayed                the retries waiting (a cancelled one leaves it)
-- KEYS[2]    open_groups            the open group of each key (a group ended here leaves it)
-- KEYS[3]    pending_groups         the groups waiting for a worker
-- KEYS[4]    dur_test               the learned test durations (a group's recount)
-- KEYS[5]    stats                  the counters
-- KEYS[6]    events                 every org's events
-- KEYS[7] sched_log  the scheduler's change log (what this call changed)
-- KEYS[8+3k] job(ARGV[2+k])         each job's record
-- KEYS[9+3k] job_events(ARGV[2+k])  the ids of its events
-- KEYS[10+3k] job_log(ARGV[2+k])     its log (expiring when the job ends)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2..]: job ids. Returns a flat list: per job 'cancelled'|'requested'|'conflict'|
-- 'missing', then its status before.
--- @include "includes/changed"
--- @include "includes/emit"
--- @include "includes/end_group"
--- @include "includes/fmt"
--- @include "includes/now"
--- @include "includes/recount"
--- @include "includes/terminal"
--- @include "includes/transition"

local function cancel_one(jid)
  local jkey = K.job(jid)
  local j = redis.call('HMGET', jkey, 'status', 'org_id', 'target', 'group_id', 'cancel_requested')
  local st = j[1]
  if not st then
    return 'missing', ''
  end
  if TERMINAL[st] then
    return 'conflict', st
  end
  local ts = fmt(now())
  if st == 'running' then
    if j[5] == '1' then
      return 'requested', st  -- asked before (a repeated call): nothing more to write
    end
    redis.call('HSET', jkey, 'cancel_requested', '1', 'updated_at', ts)
    redis.call('SADD', K.group_cancel(j[4]), jid)
    emit(jid, j[2], 'running', ts, { 'message', 'cancel requested' })
    return 'requested', st
  end
  redis.call('ZREM', K.delayed, jid)
  transition(jkey, jid, j[2], j[3], st, 'cancelled', ts, { 'finished_at', ts })
  if st == 'scheduled' and j[4] and j[4] ~= '' then
    local gk = K.group(j[4])
    if (tonumber(redis.call('HGET', gk, 'left')) or 0) > 0 then
      redis.call('HINCRBY', gk, 'left', -1)
      redis.call('HINCRBYFLOAT', gk, 'work', -(tonumber(redis.call('HGET', jkey, 'est_s')) or 0))
      changed('g', j[4])
    end
    -- a waiting group left with nothing to run ends now: no worker would ever close it
    if redis.call('HGET', gk, 'state') == 'open' and recount(j[4]) == 0 then
      end_group(j[4])
    end
  end
  return 'cancelled', st
end

local out = {}
for i = 2, #ARGV do
  local outcome, before = cancel_one(ARGV[i])
  out[#out + 1] = outcome
  out[#out + 1] = before
end
return out
