from enum import StrEnum


class GroupState(StrEnum):
    DISPATCHED = "dispatched"
    DONE = "done"
    OPEN = "open"
    RUNNING = "running"

    def __str__(self) -> str:
        return str(self.value)
