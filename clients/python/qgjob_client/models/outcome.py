from enum import StrEnum


class Outcome(StrEnum):
    CANCELLED = "cancelled"
    ERROR = "error"
    FAILED = "failed"
    PASSED = "passed"

    def __str__(self) -> str:
        return str(self.value)
