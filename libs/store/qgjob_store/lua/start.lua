-- Mark a job running, fenced by the group epoch (see start_job in the prelude).
-- ARGV[2]: group id, [3]: epoch, [4]: job id, [5]: worker id.
-- Returns {'ok', attempt}, {'skip', status} or {'fenced'}.
return start_job(ARGV[2], ARGV[3], ARGV[4], ARGV[5])
