-- Assignments. Each target has one stream (K.assign) read by the consumer group WORKER_GROUP
-- of its workers. Every group has one entry there for its whole life (its 'entry' field):
-- pending under HOLDING_CONSUMER while the group waits for the scheduler, under a worker's id
-- while that worker holds it (its lease: the entry's idle time), acked when the group ends.

-- Put entry eid of an assignment stream, pending, in consumer's pending list (a worker's: the
-- group is given to it; HOLDING_CONSUMER's: it waits again); a no-op when it is not pending.
-- JUSTID: no delivery is counted, and the count starts again from 0 (QGJOB_MAX_DELIVERIES
-- counts one holder's attempts at the group).
local function hand_entry(stream, eid, consumer)
  redis.pcall('XCLAIM', stream, WORKER_GROUP, consumer, 0, eid, 'JUSTID', 'RETRYCOUNT', 0)
end
