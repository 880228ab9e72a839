"""The Beatles rule's cost per check (birthday.beatles.is_beatle), for the row "≤ 50 µs".

`measure()` times each of a mixed set of submissions in this process: plain and disguised
Beatles, near misses, ordinary names and hostile text at the forms' length limit. It reports
the median over the set and the slowest one. `python -m bench.beatles` prints it as JSON.
"""

import json
import statistics
import time

from birthday.beatles import is_beatle

NAMES = [
    ("Ринго", "Старр"),
    ("Pингo", "Cтa\u200bpp"),  # Latin look-alikes, a zero-width space
    ("Леннон", "Джон"),
    ("Рин", "го Старр"),
    ("PAUL", "rnccartney"),
    ("Ринго", "Стар"),  # near misses
    ("Ричард", "Старки"),
    ("Иван", "Петров"),  # ordinary names
    ("Анна-Мария", "Иванова-Петрова"),
    ("\u200b\u0301" * 10, "\U0001f600" * 20),  # hostile, at the limit
    ("x" * 20, "ё" * 20),
]


def measure(rounds: int = 2000) -> dict[str, float]:
    """Microseconds per check: the median over NAMES and the slowest of them."""
    per_name = []
    for first, last in NAMES:
        start = time.perf_counter()
        for _ in range(rounds):
            is_beatle(first, last)
        per_name.append((time.perf_counter() - start) / rounds * 1e6)
    return {"median_us": statistics.median(per_name), "max_us": max(per_name)}


if __name__ == "__main__":
    print(json.dumps({key: round(value, 1) for key, value in measure().items()}))  # noqa: T201
