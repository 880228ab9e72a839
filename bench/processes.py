"""Start the site (gunicorn) and task workers as real processes, and read their peak memory."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment of one benchmark site: its own database, production-like (DEBUG off)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.dev",
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        # Logged as in production: JSON lines at INFO (written to /dev/null here).
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def start_web(env: dict[str, str], port: int, workers: int = 2) -> subprocess.Popen:
    process = start(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "settings.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
        ],
        env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"the site did not start on port {port}")


def start_worker(env: dict[str, str], interval: float = 0.1) -> subprocess.Popen:
    """A task worker; it looks for work every `interval` seconds when idle."""
    return start(
        [
            PYTHON,
            "manage.py",
            "db_worker",
            "--interval",
            str(interval),
            "--no-startup-delay",
            "--no-reload",
        ],
        env,
    )


def start_scheduler(env: dict[str, str]) -> subprocess.Popen:
    """The hourly scheduler (django-periodic-tasks), as the Procfile runs it."""
    return start([PYTHON, "manage.py", "run_scheduler"], env)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def peak_rss_mib(process: subprocess.Popen) -> float:
    """Largest peak RSS (VmHWM) among the process and its children, in MiB."""
    pids = [process.pid]
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    peak_kib = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak_kib = max(peak_kib, int(line.split()[1]))
    return peak_kib / 1024
