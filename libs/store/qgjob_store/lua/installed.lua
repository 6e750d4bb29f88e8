-- Record whether a group's app was installed or found already there (an install saved),
-- learn the target's install time, and note the versions now on the worker. Fenced by the
-- epoch, and counted once per lease (a repeated call changes nothing).
-- KEYS[1] group(ARGV[2].group)    the group record (its epoch is the lease)
-- KEYS[2] worker(ARGV[2].worker)  the worker's record (its versions)
-- KEYS[3] stats                   the counters
-- KEYS[4] dur_install             the learned install time per target
-- KEYS[5] sched_log  the scheduler's change log (what this call changed)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: packed (JSON) {group, epoch, installed ('1' installed, '0' reused), seconds (it
-- took, as text), alpha (weight of this install in the learned install time, 0..1), worker,
-- versions (app versions on the worker now: JSON list, most recently used first)}.
-- Returns 1, or 0 when the caller no longer holds the group.
--- @include "includes/changed"
--- @include "includes/ewma"

local o = cjson.decode(ARGV[2])
local gid, epoch, installed = o.group, o.epoch, o.installed
local gk = K.group(gid)
local g = redis.call('HMGET', gk, 'epoch', 'installed_epoch')
if g[1] ~= epoch then
  return 0
end
if g[2] == epoch then
  return 1  -- counted for this lease already (a repeated call)
end
redis.call('HSET', gk, 'installed', installed, 'install_s', o.seconds, 'installed_epoch', epoch)
local field = installed == '1' and 'installs_done' or 'installs_saved'
local g = redis.call('HMGET', gk, 'org_id', 'target')
redis.call('HINCRBY', K.stats, field, 1)
redis.call('HINCRBY', K.stats_org(g[1]), field, 1)
if installed == '1' then
  ewma(K.dur_install, g[2], tonumber(o.seconds), tonumber(o.alpha))
  ewma(K.dur_install_org(g[1]), g[2], tonumber(o.seconds), tonumber(o.alpha))
end
if redis.call('HGET', K.worker(o.worker), 'versions') ~= o.versions then
  redis.call('HSET', K.worker(o.worker), 'versions', o.versions)
  changed('w', o.worker)
end
return 1
