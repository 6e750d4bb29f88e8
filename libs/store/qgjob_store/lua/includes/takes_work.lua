-- Worker states that take new work: a draining or unhealthy worker (or one in a state this
-- version does not know) is given nothing.
local TAKES_WORK = { idle = true, busy = true }
