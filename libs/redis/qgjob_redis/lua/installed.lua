-- Record whether a group's app was installed or found already there (an install saved).
-- ARGV[2]: group id, [3]: epoch, [4]: 1 installed / 0 reused, [5]: seconds it took.
local gid, epoch, installed = ARGV[2], ARGV[3], ARGV[4]
local gk = K.group(gid)
if redis.call('HGET', gk, 'epoch') ~= epoch then
  return 0
end
redis.call('HSET', gk, 'installed', installed, 'install_s', ARGV[5])
local field = installed == '1' and 'installs_done' or 'installs_saved'
redis.call('HINCRBY', K.stats, field, 1)
redis.call('HINCRBY', K.stats_org(redis.call('HGET', gk, 'org_id')), field, 1)
return 1
