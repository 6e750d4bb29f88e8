-- Whether worker wid holds the run of job jid: the group's epoch is its lease, and the job
-- runs in that group under that lease (a worker fenced by a takeover holds nothing).
local function holds_run(gid, epoch, jid, wid)
  if redis.call('HGET', K.group(gid), 'epoch') ~= epoch then
    return false
  end
  local j = redis.call('HMGET', K.job(jid), 'status', 'group_id', 'lease', 'worker_id')
  return j[1] == 'running' and j[2] == gid and j[3] == epoch and j[4] == wid
end
