-- Register an app build for (org, app version) unless one is registered already.
-- KEYS[1] app_build(ARGV[2]|ARGV[3])  the build of (org, app version)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: org id, [3]: app version id, [4]: flat JSON list of field, value pairs
-- (sha256 among them). Returns {'created'} or {'exists', sha256 of the registered build}.
local key = K.app_build(ARGV[2] .. '|' .. ARGV[3])
local have = redis.call('HGET', key, 'sha256')
if have then
  return { 'exists', have }
end
local args = { 'HSET', key }
for _, v in ipairs(cjson.decode(ARGV[4])) do args[#args + 1] = v end
redis.call(unpack(args))
return { 'created' }
