--- @include "fmt"

local WAIT_SAMPLES = 1000

-- Keep the queue wait (submit -> first run) of a job that just started its first attempt.
local function sample_wait(org, wait)
  local value = fmt(math.max(0, wait))
  for _, key in ipairs({ K.waits, K.waits_org(org) }) do
    redis.call('LPUSH', key, value)
    redis.call('LTRIM', key, 0, WAIT_SAMPLES - 1)
  end
  redis.call('EXPIRE', K.waits_org(org), JOB_TTL)
end
