"""The scheduler: groups submissions by app version and dispatches groups to workers."""
