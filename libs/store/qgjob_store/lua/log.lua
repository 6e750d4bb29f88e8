-- Append output to a running job's log, keeping its last bytes (see append_log); fenced
-- like every write of a worker: only the holder of the job's current lease may write, so
-- a worker whose group was taken over adds nothing. Chunks are numbered per run: a chunk
-- already applied (a retried call) is not appended again.
-- ARGV[2]: group id, [3]: epoch, [4]: job id, [5]: worker id, [6]: chunk number (from 1),
-- [7]: text, [8]: bytes kept. Returns 1 (appended, or applied before) or 0 (fenced).
local gid, epoch, jid, wid, seq = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
if not holds_run(gid, epoch, jid, wid) then
  return 0
end
local jkey = K.job(jid)
if (tonumber(redis.call('HGET', jkey, 'log_seq')) or 0) >= seq then
  return 1
end
redis.call('HSET', jkey, 'log_seq', seq)
append_log(jid, ARGV[7], tonumber(ARGV[8]))
return 1
