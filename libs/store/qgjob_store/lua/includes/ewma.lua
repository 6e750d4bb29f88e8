--- @include "fmt"

-- Learned durations: a moving average per field; the first sample is taken as it is.
local function ewma(hash, field, x, alpha)
  local old = tonumber(redis.call('HGET', hash, field))
  local new = x
  if old then
    new = alpha * x + (1 - alpha) * old
  end
  redis.call('HSET', hash, field, fmt(new))
  return new
end
