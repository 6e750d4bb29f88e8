-- Append output to a running job's log, keeping its last bytes (see append_log).
-- ARGV[2]: job id, [3]: text, [4]: bytes kept.
append_log(ARGV[2], ARGV[3], tonumber(ARGV[4]))
return 1
