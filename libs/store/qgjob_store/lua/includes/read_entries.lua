-- The entries of an XREADGROUP reply as {id, fields} (Redis answers {{stream, entries}};
-- the embedded fakeredis {stream, entries}; nothing read: nil or an empty list).
local function read_entries(reply)
  if type(reply) ~= 'table' or #reply == 0 then return {} end
  local batch = reply[2]
  if type(reply[1]) == 'table' then batch = reply[1][2] end
  return batch or {}
end
