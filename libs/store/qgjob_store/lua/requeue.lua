-- Give a dead job a fresh attempt budget and queue it again; its dead-letter entry goes (the
-- job is no longer dead), and so does its death from the per-minute figures (its next
-- result will count instead: a job counts once, by its latest result).
-- KEYS[1] job(ARGV[2])         the job record
-- KEYS[2] job_log(ARGV[2])     its log (kept again)
-- KEYS[3] job_events(ARGV[2])  the ids of its events (kept again)
-- KEYS[4] dead                 the dead letters (its entry goes)
-- KEYS[5] jobs_stream          the submissions the schedulers read
-- KEYS[6] stats                the counters
-- KEYS[7] events               every org's events
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: job id. Returns {'requeued'|'conflict'|'missing', status}.
--- @include "includes/fmt"
--- @include "includes/now"
--- @include "includes/transition"
--- @include "includes/uncount_finished"

local jid = ARGV[2]
local jkey = K.job(jid)
local j = redis.call('HMGET', jkey, 'status', 'org_id', 'target', 'dead_entry', 'finished_at')
if not j[1] then
  return { 'missing', '' }
end
if j[1] ~= 'dead' then
  return { 'conflict', j[1] }
end
if j[4] then
  redis.call('XDEL', K.dead, j[4])
  redis.call('XDEL', K.dead_org(j[2]), j[4])  -- the org's copy has the same id
  redis.call('HDEL', jkey, 'dead_entry')
end
uncount_finished(j[2], 'dead', tonumber(j[5]))
redis.call('PERSIST', jkey)
redis.call('PERSIST', K.job_log(jid))
redis.call('PERSIST', K.job_events(jid))
transition(jkey, jid, j[2], j[3], 'dead', 'queued', fmt(now()),
  { 'attempts', 0, 'group_id', '', 'error', '', 'finished_at', '', 'result', '' },
  { 'message', 'requeued from dead letters' })
redis.call('XADD', K.jobs_stream, '*', 'job', jid)
return { 'requeued', 'dead' }
