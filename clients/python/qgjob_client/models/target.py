from enum import StrEnum


class Target(StrEnum):
    BROWSERSTACK = "browserstack"
    DEVICE = "device"
    EMULATOR = "emulator"

    def __str__(self) -> str:
        return str(self.value)
