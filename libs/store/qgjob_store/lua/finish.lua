-- Record the outcome of a run, fenced by the group epoch: a worker that lost its lease
-- cannot overwrite a result. An infrastructure error is retried after a backoff (the job
-- waits in the delayed set with status 'error') until its attempts run out or the error is
-- final; then it is dead and appended to the dead-letter stream. A test that ran to a
-- result (passed, failed) updates the learned duration of its (org, target, test path) and
-- its target's average. In the same step, the run's last output is appended to the job's
-- log (only when the result is taken: a fenced worker writes nothing) and, unless the
-- scheduler wants the worker back, the next job is started: one round trip per job.
-- KEYS[1]  group(ARGV[2].group)         the group record (its epoch is the lease)
-- KEYS[2]  group_cancel(ARGV[2].group)  the group's jobs whose cancel was asked
-- KEYS[3]  job(ARGV[2].job)             the job record
-- KEYS[4]  job_log(ARGV[2].job)         its log
-- KEYS[5]  job_events(ARGV[2].job)      the ids of its events
-- KEYS[6]  job(ARGV[2].next)            the next job's record (an empty id when there is none)
-- KEYS[7]  job_log(ARGV[2].next)        its log
-- KEYS[8]  job_events(ARGV[2].next)     the ids of its events
-- KEYS[9]  stats                        the counters
-- KEYS[10] events                       every org's events
-- KEYS[11] delayed                      the retries waiting for their backoff
-- KEYS[12] dead                         the dead letters
-- KEYS[13] dur_test                     the learned test durations
-- KEYS[14] dur_target                   the learned durations per target
-- KEYS[15] waits                        the latest queue waits (the next job's first run)
-- KEYS[16] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: the options, packed (JSON): {group, epoch, job, worker, outcome
-- (passed|failed|error|cancelled), error (message), backoff (s), final (true when the error
-- is not retryable: dead at once), alpha (weight of this run in the learned test duration,
-- 0..1), log_bytes (log bytes kept), next (job to start next, '' for none)}.
-- ARGV[3]: result JSON, [4]: log tail, [5]: output to append to the log ('' for none): text
-- stored as it is goes unpacked.
-- Returns {'ok', new status, '1' when the group is asked to give its worker back,
-- the next job's start reply or {}}, or {'fenced', status}. A repeated call (same
-- arguments) answers as the first did and writes nothing more (the next job's start is
-- itself repeatable).
--- @include "includes/append_log"
--- @include "includes/terminal"
--- @include "includes/finish_job"
--- @include "includes/start_job"

local o = cjson.decode(ARGV[2])
local gid, epoch, jid, wid, next_job = o.group, o.epoch, o.job, o.worker, o.next or ''
local done = finish_job(gid, epoch, jid, wid, o.outcome, ARGV[3], o.error or '',
  tonumber(o.backoff) or 0, ARGV[4], o.final == true, tonumber(o.alpha) or 0.3)
if done[1] ~= 'ok' then
  return done  -- fenced: the log is not written either
end
if ARGV[5] ~= '' and done[4] ~= 'repeat' then
  append_log(jid, ARGV[5], tonumber(o.log_bytes))
  if TERMINAL[done[2]] then
    -- the append may have made the log only now, after the ending set the job's retention
    redis.call('EXPIRE', K.job_log(jid), JOB_TTL)
  end
end
local yield = done[3]
local started = {}
if next_job ~= '' and yield ~= '1' then
  started = start_job(gid, epoch, next_job, wid)
end
return { 'ok', done[2], yield, started }
