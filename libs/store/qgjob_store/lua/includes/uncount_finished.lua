-- Take back a terminal result from the per-minute figures (a job leaving a terminal status):
-- t is when it finished; a bucket that expired is left alone.
local function uncount_finished(org, status, t)
  if not t then return end
  local bucket = K.throughput(string.format('%d', math.floor(t / 60)))
  if redis.call('EXISTS', bucket) == 0 then return end
  for _, field in ipairs({ 'all', 'o:' .. org, 's:' .. status, 'os:' .. status .. ':' .. org }) do
    if tonumber(redis.call('HGET', bucket, field) or '0') > 0 then
      redis.call('HINCRBY', bucket, field, -1)
    end
  end
end
