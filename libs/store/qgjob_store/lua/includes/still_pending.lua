-- Whether entry eid of stream is still pending in group (not handled yet): a repeated call
-- of a consumer's script skips what the first one handled.
local function still_pending(stream, group, eid)
  local r = redis.pcall('XPENDING', stream, group, eid, eid, 1)
  return type(r) == 'table' and not r.err and #r > 0
end
