-- Mark a job running, fenced by the group epoch (see includes/start_job.lua).
-- KEYS[1] group(ARGV[2])       the group record (its epoch is the lease)
-- KEYS[2] job(ARGV[4])         the job record
-- KEYS[3] job_log(ARGV[4])     its log (expiring when the job ends)
-- KEYS[4] job_events(ARGV[4])  the ids of its events
-- KEYS[5] stats                the counters
-- KEYS[6] events               every org's events
-- KEYS[7] dead                 the dead letters (a job out of attempts)
-- KEYS[8] waits                the latest queue waits
-- KEYS[9] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: group id, [3]: epoch, [4]: job id, [5]: worker id.
-- Returns {'ok', attempt}, {'skip', status} or {'fenced'}.
--- @include "includes/start_job"

return start_job(ARGV[2], ARGV[3], ARGV[4], ARGV[5])
