-- Append an entry to a shared stream and, under the same id, to its org's copy (so an org's
-- reads cost what its own entries cost); the org's copy expires once the org is quiet
-- for the retention. args: XADD, stream, MAXLEN, ~, n, '*', fields... Returns the id.
local function xadd_with_org(args, org_stream)
  local id = redis.call(unpack(args))
  if org_stream then
    args[2], args[6] = org_stream, id
    redis.call(unpack(args))
    redis.call('EXPIRE', org_stream, JOB_TTL)
  end
  return id
end
