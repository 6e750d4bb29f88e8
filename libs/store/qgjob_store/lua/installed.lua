-- Record whether a group's app was installed or found already there (an install saved),
-- learn the target's install time, and note the versions now on the worker. Fenced by the
-- epoch, and counted once per lease (a repeated call changes nothing).
-- ARGV[2]: group id, [3]: epoch, [4]: 1 installed / 0 reused, [5]: seconds it took,
-- [6]: weight of this install in the learned install time (0..1), [7]: worker id,
-- [8]: app versions on the worker now (JSON list, most recently used first).
local gid, epoch, installed = ARGV[2], ARGV[3], ARGV[4]
local gk = K.group(gid)
local g = redis.call('HMGET', gk, 'epoch', 'installed_epoch')
if g[1] ~= epoch then
  return 0
end
if g[2] == epoch then
  return 1  -- counted for this lease already (a repeated call)
end
redis.call('HSET', gk, 'installed', installed, 'install_s', ARGV[5], 'installed_epoch', epoch)
local field = installed == '1' and 'installs_done' or 'installs_saved'
local g = redis.call('HMGET', gk, 'org_id', 'target')
redis.call('HINCRBY', K.stats, field, 1)
redis.call('HINCRBY', K.stats_org(g[1]), field, 1)
if installed == '1' then
  ewma(K.dur_install, g[2], tonumber(ARGV[5]), tonumber(ARGV[6]))
  ewma(K.dur_install_org(g[1]), g[2], tonumber(ARGV[5]), tonumber(ARGV[6]))
end
redis.call('HSET', K.worker(ARGV[7]), 'versions', ARGV[8])
return 1
