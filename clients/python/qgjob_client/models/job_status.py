from enum import StrEnum


class JobStatus(StrEnum):
    CANCELLED = "cancelled"
    DEAD = "dead"
    ERROR = "error"
    FAILED = "failed"
    PASSED = "passed"
    QUEUED = "queued"
    RUNNING = "running"
    SCHEDULED = "scheduled"

    def __str__(self) -> str:
        return str(self.value)
