--- @include "xadd_with_org"

-- Append to the dead-letter stream (and the org's, when there is one) and count it.
-- fields: flat list of field, value pairs. Every dead letter goes through here.
local function dead_letter(org, fields)
  local args = { 'XADD', K.dead, 'MAXLEN', '~', DEAD_MAXLEN, '*' }
  for i = 1, #fields do args[#args + 1] = fields[i] end
  local has_org = org and org ~= ''
  local id = xadd_with_org(args, has_org and K.dead_org(org) or nil)
  redis.call('HINCRBY', K.stats, 'dead_letters', 1)
  if has_org then
    redis.call('HINCRBY', K.stats_org(org), 'dead_letters', 1)
  end
  return id
end
