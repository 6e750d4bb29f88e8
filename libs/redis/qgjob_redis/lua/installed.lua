-- Record whether a group's app was installed or found already there (an install saved).
-- ARGV[2]: group id, [3]: epoch, [4]: 1 installed / 0 reused, [5]: seconds it took.
local gid, epoch, installed = ARGV[2], ARGV[3], ARGV[4]
local gk = K.group(gid)
if redis.call('HGET', gk, 'epoch') ~= epoch then
  return 0
end
redis.call('HSET', gk, 'installed', installed, 'install_s', ARGV[5])
if installed == '1' then
  redis.call('HINCRBY', K.stats, 'installs_done', 1)
else
  redis.call('HINCRBY', K.stats, 'installs_saved', 1)
end
return 1
