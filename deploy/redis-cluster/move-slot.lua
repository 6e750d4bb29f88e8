-- Move every key of one hash slot from this master to another, and the slot with them, in
-- one atomic step: no client's command runs between the first key copied and the slot
-- handed over. (A batched reshard, as `redis-cli --cluster reshard` does it, lets scripts
-- run while the slot's keys are split between two nodes; qgjob's scripts do not survive
-- that: see docs/deployment.md, "Moving the slot".)
--
-- 1. on the target:  CLUSTER SETSLOT <slot> IMPORTING <id of this node>
-- 2. on this node:   EVAL <this file> 0 <slot> <target host> <target port> <target id>
--                    [<password> [<user>]]      (what the target asks for, if anything)
-- 3. on the target, then on every other master:  CLUSTER SETSLOT <slot> NODE <target id>
--
-- The keys are copied first (COPY REPLACE: when a copy fails, this node still has every key,
-- and the script can be run again), then deleted here, then the slot is assigned to the
-- target; from then on this node answers MOVED. This node serves nothing else while it
-- runs: the time it takes to copy the slot's keys. Returns how many keys were moved.
local slot, host, port, target = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local BATCH, TIMEOUT_MS = 1000, 10000  -- unpack() takes a few thousand values at most
local auth = {}
if ARGV[5] and ARGV[5] ~= '' then
  if ARGV[6] and ARGV[6] ~= '' then
    auth = { 'AUTH2', ARGV[6], ARGV[5] }
  else
    auth = { 'AUTH', ARGV[5] }
  end
end
local count = redis.call('CLUSTER', 'COUNTKEYSINSLOT', slot)
local keys = redis.call('CLUSTER', 'GETKEYSINSLOT', slot, count)
for i = 1, #keys, BATCH do
  local args = { 'MIGRATE', host, port, '', 0, TIMEOUT_MS, 'COPY', 'REPLACE' }
  for _, a in ipairs(auth) do args[#args + 1] = a end
  args[#args + 1] = 'KEYS'
  for k = i, math.min(i + BATCH - 1, #keys) do args[#args + 1] = keys[k] end
  redis.call(unpack(args))
end
for i = 1, #keys, BATCH do
  redis.call('DEL', unpack(keys, i, math.min(i + BATCH - 1, #keys)))
end
redis.call('CLUSTER', 'SETSLOT', slot, 'NODE', target)
return #keys
