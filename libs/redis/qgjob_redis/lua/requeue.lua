-- Give a dead job a fresh attempt budget and queue it again.
-- ARGV[2]: job id. Returns {'requeued'|'conflict'|'missing', status}.
local jid = ARGV[2]
local jkey = K.job(jid)
local j = redis.call('HMGET', jkey, 'status', 'org_id', 'target')
if not j[1] then
  return { 'missing', '' }
end
if j[1] ~= 'dead' then
  return { 'conflict', j[1] }
end
redis.call('PERSIST', jkey)
redis.call('PERSIST', K.job_log(jid))
redis.call('PERSIST', K.job_events(jid))
transition(jkey, jid, j[2], j[3], 'dead', 'queued', fmt(now()),
  { 'attempts', 0, 'group_id', '', 'error', '', 'finished_at', '', 'result', '' },
  { 'message', 'requeued from dead letters' })
redis.call('XADD', K.jobs_stream, '*', 'job', jid)
return { 'requeued', 'dead' }
