-- List a new group in the group indexes (all, and its org's), scored by its sequence number.
local GROUP_INDEX_MAX = 100000  -- groups listed per index at most (finished ones expire anyway)
local function index_group(org, seq, gid)
  for _, index in ipairs({ K.groups_all, K.groups_org(org) }) do
    redis.call('ZADD', index, seq, gid)
    redis.call('ZREMRANGEBYRANK', index, 0, -GROUP_INDEX_MAX - 1)
  end
end
