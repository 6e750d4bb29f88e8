--- @include "dead_letter"
--- @include "transition"

-- Make a job dead and append it to the dead-letter stream with its reason.
local function to_dead(jkey, jid, org, target, old, ts, reason, attempts, last_error, log_tail)
  transition(jkey, jid, org, target, old, 'dead', ts,
    { 'finished_at', ts, 'error', last_error or '' }, { 'message', reason })
  local entry = dead_letter(org, { 'job', jid, 'org', org, 'reason', reason,
    'attempts', attempts, 'last_error', last_error or '', 'log_tail', log_tail or '', 'at', ts })
  -- the job's current entry: a requeue removes it, so a job that dies again is listed once
  redis.call('HSET', jkey, 'dead_entry', entry)
end
