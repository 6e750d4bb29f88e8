-- A group's fields (HMGET) or nil when the key is not a group record.
local function group_fields(gid, ...)
  if not gid or gid == '' then
    return nil
  end
  local v = redis.pcall('HMGET', K.group(gid), ...)
  if type(v) ~= 'table' or v.err then
    return nil
  end
  return v
end
