"""The site under test as real processes: `runserver` and a `db_worker`, on a temporary database."""

import os
import tempfile
from pathlib import Path

from tests.support.ports import free_port
from tests.support.processes import Process, manage, manage_py, wait_for_http

STARTUP_TIMEOUT = 30.0
# Seconds between the worker's looks at the task queue: email leaves soon after the request.
WORKER_INTERVAL = 0.2


def mail_env(smtp_port: int | None, mail_dir: Path) -> dict[str, str]:
    """The "Email backends" variables for both mailers: SMTP on loopback, or files."""
    if smtp_port is None:
        return {"EMAIL_BACKEND": "file", "EMAIL_FILE_PATH": str(mail_dir)}
    return {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port)}


class LiveSite:
    """Runs the development profile against its own SQLite file, media and mail folders.

    With `smtp_port` both mailers send through the SMTP server on that loopback port; without
    it they write files to `mail_dir`. Links in the email start with the site's own URL, so a
    browser can open them. The web server and the task worker run in their own process groups,
    so that stopping them also stops anything they started.
    """

    def __init__(self, smtp_port: int | None = None) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="birthday-e2e-")
        self.root = Path(self._tmp.name)
        self.mail_dir = self.root / "mail"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        inherited = {
            name: value
            for name, value in os.environ.items()
            # Mail goes where this site says, whatever the shell running the tests exports.
            if not name.startswith(("EMAIL_", "ANYMAIL_", "ALERTS_EMAIL_", "ALERTS_ANYMAIL_"))
        }
        self.env = {
            **inherited,
            **mail_env(smtp_port, self.mail_dir),
            "DJANGO_SETTINGS_MODULE": "settings.dev",
            "DATABASE_URL": f"sqlite:///{self.root / 'db.sqlite3'}",
            "MEDIA_ROOT": str(self.root / "media"),
            "SITE_URL": self.url,
            # Media are served by the development server only with DEBUG on.
            "DEBUG": "True",
            "PYTHONUNBUFFERED": "1",
        }
        self._processes: dict[str, Process] = {}

    def manage(self, *args: str) -> str:
        """Runs a management command against the site's database and returns its output."""
        result = manage(self.env, *args, timeout=60)
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        """Runs Python in `manage.py shell` (the ORM of the site's database) and returns stdout."""
        return self.manage("shell", "--no-imports", "--command", code).strip()

    def start(self) -> None:
        self.manage("migrate", "--noinput")  # also creates the cache tables
        self._spawn("server", "runserver", f"127.0.0.1:{self.port}", "--noreload")
        self._spawn("worker", "db_worker", "--interval", str(WORKER_INTERVAL))
        try:
            wait_for_http(self.url + "/", self._processes.values(), STARTUP_TIMEOUT)
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        for process in self._processes.values():
            process.stop()
        self._processes.clear()
        self._tmp.cleanup()

    def log(self, name: str) -> str:
        """What the server or the worker has written so far (for failure reports)."""
        return (self.root / f"{name}.log").read_text(errors="replace")

    def _spawn(self, name: str, *args: str) -> None:
        log_path = self.root / f"{name}.log"
        self._processes[name] = Process(manage_py(*args), self.env, log_path, group=True)
