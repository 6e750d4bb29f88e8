-- Append output to a job's log, cut back to its last max_bytes once half as long again
-- (a huge output costs a trim per max_bytes / 2 appended, not one per append).
local function append_log(jid, text, max_bytes)
  local key = K.job_log(jid)
  local size = redis.call('APPEND', key, text)
  if size > max_bytes + math.floor(max_bytes / 2) then
    redis.call('SET', key, redis.call('GETRANGE', key, size - max_bytes, -1), 'KEEPTTL')
  end
end
