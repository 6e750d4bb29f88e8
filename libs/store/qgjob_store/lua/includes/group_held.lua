-- Group states in which a worker holds the group (its lease may be taken back).
local GROUP_HELD = { dispatched = true, running = true }
