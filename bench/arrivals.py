"""When messages reached a stand-in server, shared by the SMTP sink and the provider stand-in."""

import threading
import time


class Arrivals:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: list[float] = []

    def record(self) -> None:
        with self.lock:
            self.times.append(time.time())

    def reset(self) -> None:
        with self.lock:
            self.times.clear()

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.times)

    def wait_for(self, count: int, timeout: float) -> float | None:
        """Wall-clock time (comparable across processes) of the `count`-th message, or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.times) >= count:
                    return self.times[count - 1]
            time.sleep(0.02)
        return None
