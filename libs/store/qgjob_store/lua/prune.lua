-- Remove consumers that have been idle longer than ARGV[2] ms and hold nothing: scheduler
-- consumers of the jobs stream's group (every start of a scheduler is a new consumer,
-- host-pid), and consumers of the assignment streams' groups that are no registered worker
-- (a registered one leaves with forget.lua). One with pending entries stays: deleting it
-- would drop them (its entries are claimed by the other replicas first, and it goes at a
-- later pass).
-- On the way, assignment entries pending that long where their group's record does not put
-- them (an entry no script added, one of a group whose record is gone or names another
-- entry) are settled: put where their group says, or dead-lettered (see settle), so that
-- nothing holds the streams' trimming back or counts as work for ever.
-- One call does one scope, so that each stays short however large the farm: the jobs stream's
-- consumers, or one target's assignment stream, a page of its pending entries at a time (its
-- consumers once the last page is read).
-- Returns {consumers removed, assignment entries settled, the pending entry to go on after
-- ('' when the scope is done)}.
-- KEYS[1] jobs_stream  the submissions (whose consumer group is pruned)
-- KEYS[2] workers      every registered worker (their consumers stay)
-- KEYS[3] dead  the dead letters (poison)
-- KEYS[4] delayed  the retries waiting (a poison job leaves it)
-- KEYS[5] events  every org's events
-- KEYS[6] stats  the counters
-- KEYS[7] assign(ARGV[3])  the scope's assignment stream (a target's; unused for the jobs stream)
-- ARGV[1]: the key base, '{prefix}:' (keys found inside are named from it).
-- ARGV[2]: idle ms.
-- ARGV[3]: the scope: '' for the jobs stream, else a target (its assignment stream).
-- ARGV[4]: for a target, the pending entry to look on after ('-' from the first).
--- @include "includes/entry_field"
--- @include "includes/group_fields"
--- @include "includes/group_held"
--- @include "includes/settle"
local idle_ms = tonumber(ARGV[2])
local scope, after = ARGV[3] or '', ARGV[4] or '-'
local PAGE, PAGES = 100, 5  -- pending assignment entries looked at per call: 500
local removed, settled = 0, 0

local function consumers(stream, group)
  local reply = redis.pcall('XINFO', 'CONSUMERS', stream, group)
  if type(reply) ~= 'table' or reply.err then
    return {}  -- no stream or no group yet
  end
  local out = {}
  for _, c in ipairs(reply) do
    local info = {}
    for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
    out[#out + 1] = info
  end
  return out
end

local function idle_and_empty(info)
  return tonumber(info['pending']) == 0 and tonumber(info['idle']) > idle_ms
end

if scope == '' then
  for _, info in ipairs(consumers(K.jobs_stream, SCHEDULER_GROUP)) do
    if idle_and_empty(info) then
      redis.call('XGROUP', 'DELCONSUMER', K.jobs_stream, SCHEDULER_GROUP, info['name'])
      removed = removed + 1
    end
  end
  return { removed, settled, '' }
end
if not TARGETS[scope] then
  return redis.error_reply('ERR prune: no such target: ' .. scope)
end

-- the consumer that should hold entry eid: the holding one for a waiting group, the worker
-- for a held one; nil when no group names it as its entry (or the group ended)
local function owner(eid, gid)
  local g = group_fields(gid, 'state', 'worker_id', 'entry')
  if not g or g[3] ~= eid then return nil end
  if g[1] == 'open' then return HOLDING_CONSUMER end
  if GROUP_HELD[g[1]] then return g[2] end
  return nil
end

local stream = K.assign(scope)
local from, done = after, false
for _ = 1, PAGES do
  local rows = redis.pcall('XPENDING', stream, WORKER_GROUP, from, '+', PAGE)
  if type(rows) ~= 'table' or rows.err or #rows == 0 then
    done = true
    break
  end
  for _, row in ipairs(rows) do
    local eid, consumer, idle = row[1], row[2], tonumber(row[3])
    if idle > idle_ms then
      local entry = redis.call('XRANGE', stream, eid, eid)[1]
      local gid = entry and entry_field(entry[2], 'group') or ''
      if owner(eid, gid) ~= consumer then
        settle(stream, eid, gid, 'assignment entry of no group held or waiting')
        settled = settled + 1
      end
    end
  end
  from = '(' .. rows[#rows][1]
  if #rows < PAGE then
    done = true
    break
  end
end
if not done then
  return { removed, settled, from }
end
for _, info in ipairs(consumers(stream, WORKER_GROUP)) do
  if idle_and_empty(info) and info['name'] ~= HOLDING_CONSUMER
      and redis.call('SISMEMBER', K.workers, info['name']) == 0 then
    redis.call('XGROUP', 'DELCONSUMER', stream, WORKER_GROUP, info['name'])
    removed = removed + 1
  end
end
return { removed, settled, '' }
