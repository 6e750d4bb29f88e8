-- Expected duration of a test: learned for (org, target, path), else the fallback the
-- caller gives (the configured default). The target's average is not used: early on it
-- holds only the tests that finished first, the short ones.
local function estimate(org, target, path, fallback)
  local v = redis.call('HGET', K.dur_test, org .. '|' .. target .. '|' .. path)
  return tonumber(v) or fallback
end
