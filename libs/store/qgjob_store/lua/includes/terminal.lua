-- The statuses a job ends in (only a requeue takes it out of one).
local TERMINAL = { passed = true, failed = true, dead = true, cancelled = true }
