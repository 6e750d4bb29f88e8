-- Append output to a running job's log, keeping its last bytes (see append_log); fenced
-- like every write of a worker: only the holder of the job's current lease may write, so
-- a worker whose group was taken over adds nothing. Chunks are numbered per run: a chunk
-- already applied (a retried call) is not appended again.
-- KEYS[1] group(ARGV[2].group)  the group record (its epoch is the lease)
-- KEYS[2] job(ARGV[2].job)      the job record
-- KEYS[3] job_log(ARGV[2].job)  its log
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: packed (JSON) {group, epoch, job, worker, chunk (number, from 1), max_bytes
-- (bytes kept)}; ARGV[3]: the text. Returns 1 (appended, or applied before) or 0 (fenced).
--- @include "includes/append_log"
--- @include "includes/holds_run"

local o = cjson.decode(ARGV[2])
local gid, epoch, jid, wid, seq = o.group, o.epoch, o.job, o.worker, tonumber(o.chunk)
if not holds_run(gid, epoch, jid, wid) then
  return 0
end
local jkey = K.job(jid)
if (tonumber(redis.call('HGET', jkey, 'log_seq')) or 0) >= seq then
  return 1
end
redis.call('HSET', jkey, 'log_seq', seq)
append_log(jid, ARGV[3], tonumber(o.max_bytes))
return 1
