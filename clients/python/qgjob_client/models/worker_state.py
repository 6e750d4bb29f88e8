from enum import StrEnum


class WorkerState(StrEnum):
    BUSY = "busy"
    DRAINING = "draining"
    IDLE = "idle"
    LOST = "lost"
    UNHEALTHY = "unhealthy"

    def __str__(self) -> str:
        return str(self.value)
