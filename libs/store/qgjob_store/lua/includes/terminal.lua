local TERMINAL = { passed = true, failed = true, dead = true, cancelled = true }
