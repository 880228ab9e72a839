"""One site under test: its own database (SQLite, or PostgreSQL for scale-out), gunicorn, workers.

SQLite sites start from one migrated copy (migrating takes seconds; copying a file does not).
"""

import os
import shutil
import subprocess
from pathlib import Path

from . import processes
from .client import Session
from .processes import PYTHON, ROOT, base_env, free_port, start_web, stop

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def postgres_available() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES_URL}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def _recreate_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


class Site:
    def __init__(self, workdir: Path, name: str, *, postgres: bool = False, **env: str) -> None:
        if postgres:
            database = f"birthday_bench_{name}"
            _recreate_postgres_database(database)
            self.env = base_env(f"{POSTGRES_URL}/{database}", **env)
            self._prepare()
        else:
            path = workdir / f"{name}.sqlite3"
            shutil.copy(_sqlite_template(workdir), path)
            self.env = base_env(f"sqlite:///{path}", **env)
        self.port = free_port()
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.scheduler: subprocess.Popen | None = None
        # Peak memory of every process this site ran, by role (read before each one stops).
        self.peak_rss: dict[str, float] = {}

    def _prepare(self) -> None:
        processes.manage(self.env, "migrate", "--noinput")
        seed(self.env, "users")

    def seed(self, *args: str) -> str:
        return seed(self.env, *args)

    def start(self, workers: int = 0, *, scheduler: bool = False, interval: float = 0.1) -> "Site":
        self.web = start_web(self.env, self.port)
        self.workers += [processes.start_worker(self.env, interval) for _ in range(workers)]
        if scheduler:
            self.scheduler = processes.start_scheduler(self.env)
        return self

    def start_workers(self, count: int, **env: str) -> None:
        self.workers += [processes.start_worker({**self.env, **env}) for _ in range(count)]

    def stop_workers(self) -> None:
        for worker in self.workers:
            self._note_rss("worker", worker)
            stop(worker)
        self.workers = []

    def session(self, login: str | None = "bench") -> Session:
        session = Session(self.port)
        if login:
            session.log_in(login, "bench-password-123")
        return session

    def stop(self) -> None:
        self.stop_workers()
        for role in ("web", "scheduler"):
            if (process := getattr(self, role)) is not None:
                self._note_rss(role, process)
                stop(process)
                setattr(self, role, None)

    def _note_rss(self, role: str, process: subprocess.Popen) -> None:
        self.peak_rss[role] = max(self.peak_rss.get(role, 0), processes.peak_rss_mib(process))


def seed(env: dict[str, str], *args: str) -> str:
    """Run a bench.seed command inside a site's database; its output."""
    return run_in(env, "bench.seed", *args)


def run_in(env: dict[str, str], module: str, *args: str) -> str:
    """Run `python -m module args` with a site's environment; its output."""
    result = subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=ROOT,
        env={**env, "ALLOWED_HOSTS": "testserver"},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip()


def _sqlite_template(workdir: Path) -> Path:
    template = workdir / "template.sqlite3"
    if not template.exists():
        env = base_env(f"sqlite:///{template}")
        processes.manage(env, "migrate", "--noinput")
        seed(env, "users")
    return template
