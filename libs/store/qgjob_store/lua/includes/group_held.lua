local GROUP_HELD = { dispatched = true, running = true }
