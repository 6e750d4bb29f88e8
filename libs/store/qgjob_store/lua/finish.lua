-- Record the outcome of a run, fenced by the group epoch: a worker that lost its lease
-- cannot overwrite a result. An infrastructure error is retried after a backoff (the job
-- waits in the delayed set with status 'error') until its attempts run out or the error is
-- final; then it is dead and appended to the dead-letter stream. A test that ran to a
-- result (passed, failed) updates the learned duration of its (org, target, test path) and
-- its target's average. In the same step, the run's last output is appended to the job's
-- log (only when the result is taken: a fenced worker writes nothing) and, unless the
-- scheduler wants the worker back, the next job is started: one round trip per job.
-- ARGV[2]: group id, [3]: epoch, [4]: job id, [5]: worker id, [6]: outcome
-- (passed|failed|error|cancelled), [7]: result JSON, [8]: error message, [9]: backoff s,
-- [10]: log tail, [11]: '1' when the error is final (not retryable: dead at once),
-- [12]: weight of this run in the learned test duration (0..1), [13]: output to append to
-- the log ('' for none), [14]: log bytes kept, [15]: job to start next ('' for none).
-- Returns {'ok', new status, '1' when the group is asked to give its worker back,
-- the next job's start reply or {}}, or {'fenced', status}. A repeated call (same
-- arguments) answers as the first did and writes nothing more (the next job's start is
-- itself repeatable).
local gid, epoch, jid, wid = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local done = finish_job(gid, epoch, jid, wid, ARGV[6], ARGV[7], ARGV[8], tonumber(ARGV[9]),
  ARGV[10], ARGV[11] == '1', tonumber(ARGV[12]) or 0.3)
if done[1] ~= 'ok' then
  return done  -- fenced: the log is not written either
end
if ARGV[13] ~= '' and done[4] ~= 'repeat' then
  append_log(jid, ARGV[13], tonumber(ARGV[14]))
end
local yield = done[3]
local started = {}
if ARGV[15] ~= '' and yield ~= '1' then
  started = start_job(gid, epoch, ARGV[15], wid)
end
return { 'ok', done[2], yield, started }
