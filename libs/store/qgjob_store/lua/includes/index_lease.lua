--- @include "now"

-- Put group gid, which worker wid holds by an entry idle idle_ms already, in recover's index
-- of leases at the earliest time its lease can lapse, so that recover looks at leases that
-- may have lapsed, not at every worker. A worker that reported no lease is due at once:
-- recover then scores it with the default lease.
local function index_lease(gid, wid, idle_ms)
  local lease = tonumber(redis.call('HGET', K.worker(wid), 'lease_ms'))
  local at = now()
  if lease then
    at = at + math.max(lease - (tonumber(idle_ms) or 0), 0) / 1000
  end
  redis.call('ZADD', K.lease_deadlines, at, gid)
end
