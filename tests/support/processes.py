"""Real processes for the tests: `manage.py` commands, servers and workers, always stopped.

Without Django: `make screenshots` starts the site through this module with no settings configured.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .ports import free_port

PROJECT_DIR = Path(__file__).resolve().parents[2]
# What a child process may inherit: enough to run Python, nothing from the test run's settings.
BASIC_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def basic_env(**variables: str) -> dict[str, str]:
    """An environment with only BASIC_VARIABLES from this one, plus `variables`."""
    env = {key: value for key, value in os.environ.items() if key in BASIC_VARIABLES}
    env.update(variables)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python manage.py ...` to the end in a fresh process with exactly `env`."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class Process:
    """A long-running child whose output goes to `log_path` (a pipe could fill up and block it).

    With `group` it leads its own process group, and stopping it stops what it started too
    (runserver's and gunicorn's children).
    """

    def __init__(
        self, args: Iterable[str], env: dict[str, str], log_path: Path, *, group: bool = False
    ) -> None:
        self.log_path = log_path
        self.group = group
        with log_path.open("wb") as log:
            self.popen = subprocess.Popen(
                [*args],
                cwd=PROJECT_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=group,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        """What it has written so far."""
        return self.log_path.read_text(errors="replace")

    def signal(self, signum: int) -> None:
        if self.group:
            os.killpg(self.pid, signum)
        else:
            self.popen.send_signal(signum)

    def kill(self) -> None:
        """SIGKILL: no cleanup, no bookkeeping."""
        self.signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM, as a process manager stops it; SIGKILL if it is still there after `timeout`."""
        if not self.running():
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def manage_py(*args: str) -> list[str]:
    """The command line of `python manage.py ...`, for a Process."""
    return [sys.executable, "manage.py", *args]


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail the test after `timeout` seconds, naming `what`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for: {what}")
        time.sleep(0.05)


def wait_for_http(url: str, processes: Iterable[Process], timeout: float = 30) -> None:
    """Wait until `url` answers 200; fail with its log as soon as one of `processes` exits."""
    processes = list(processes)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if not process.running():
                raise RuntimeError(f"{process.log_path.name} exited early:\n{process.log()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (loopback)
                if response.status == 200:
                    return
        except OSError:  # refused, reset, or a read that timed out on a busy machine
            pass
        time.sleep(0.2)
    logs = "\n".join(f"--- {p.log_path.name} ---\n{p.log()}" for p in processes)
    raise RuntimeError(f"{url} did not answer within {timeout} s\n{logs}")


@contextmanager
def serve_gunicorn(env: dict[str, str], log_path: Path) -> Iterator[tuple[int, Process]]:
    """gunicorn serving settings.wsgi on a free loopback port once /healthz answers: (port, it).

    Fails the test with the server's log when it does not start; always stopped."""
    port = free_port()
    bind = f"127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "settings.wsgi", "--bind", bind]
    server = Process(command, env, log_path, group=True)
    try:
        try:
            wait_for_http(f"http://{bind}/healthz", [server])
        except RuntimeError as error:
            raise AssertionError(f"gunicorn did not start: {error}") from None
        yield port, server
    finally:
        server.stop()
