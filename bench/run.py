"""Run every benchmark row with real processes and write docs/benchmarks.md.

Each row measures two things in the same run, interleaved where they are timings, so that the
ratio holds on a noisy machine.
"""

import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import processes
from .client import Session, median_ms
from .processes import PYTHON, ROOT, base_env, free_port, start_web, stop
from .report import Row, write


class Site:
    """One site under test: its own SQLite database, a gunicorn process, optional workers."""

    def __init__(self, workdir: Path, name: str, **env: str) -> None:
        self.env = base_env(f"sqlite:///{workdir / name}.sqlite3", **env)
        processes.manage(self.env, "migrate", "--noinput")
        self.seed("users")
        self.port = free_port()
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    def seed(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "-m", "bench.seed", *args],
            cwd=ROOT,
            env={**self.env, "ALLOWED_HOSTS": "testserver"},
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def start(self, workers: int = 0) -> "Site":
        self.web = start_web(self.env, self.port)
        self.workers = [processes.start_worker(self.env) for _ in range(workers)]
        return self

    def session(self, login: bool = True) -> Session:
        session = Session(self.port)
        if login:
            session.log_in("bench", "bench-password-123")
        return session

    def stop(self) -> None:
        for process in [self.web, *self.workers]:
            if process is not None:
                stop(process)


def interleave(samples: int, *requests: Callable[[], float]) -> list[list[float]]:
    """Call each request in turn `samples` times; the durations per request."""
    durations: list[list[float]] = [[] for _ in requests]
    for _ in range(samples):
        for index, request in enumerate(requests):
            durations[index].append(request())
    return durations


def list_scaling(workdir: Path, samples: int = 60) -> Row:
    small, large = Site(workdir, "list10"), Site(workdir, "list10000")
    small.seed("birthdays", "10")
    large.seed("birthdays", "10000")
    queries = (int(small.seed("list_queries")), int(large.seed("list_queries")))
    try:
        small.start(), large.start()
        clients = small.session(login=False), large.session(login=False)
        times = interleave(samples, *(lambda c=c: c.timed_get("/birthday/")[1] for c in clients))
    finally:
        small.stop(), large.stop()
    medians = [median_ms(t) for t in times]
    ratio = medians[1] / medians[0]
    return Row(
        name="List page, 10 vs 10,000 birthdays",
        measured=f"queries {queries[0]} vs {queries[1]}; "
        f"median {medians[0]:.1f} ms vs {medians[1]:.1f} ms",
        result=f"time ratio {ratio:.2f}",
        target="same queries, ratio ≤ 1.5",
        met=queries[0] == queries[1] and ratio <= 1.5,
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="birthday-bench-") as tmp:
        workdir = Path(tmp)
        rows = [list_scaling(workdir)]
    print(write(rows, []))  # noqa: T201


if __name__ == "__main__":
    main()
