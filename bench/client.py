"""A minimal HTTP client with cookies and CSRF, on one keep-alive connection, for timing posts."""

import http.client
import re
import statistics
import time
import urllib.parse
from http.cookies import SimpleCookie


class Session:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text, dict(response.headers)

    def get(self, path: str) -> tuple[int, str, dict]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, str, dict]:
        if "csrftoken" not in self.cookies:
            self.get(path)
        return self.request("POST", path, form)

    def timed_post(self, path: str, form: dict) -> tuple[int, float]:
        started = time.perf_counter()
        status, _, _ = self.post(path, form)
        return status, time.perf_counter() - started

    def timed_submit(self, path: str, form: dict) -> tuple[int, float]:
        """A form sent from a browser: the POST and, after a redirect, the page it leads to."""
        started = time.perf_counter()
        status, _, headers = self.post(path, form)
        if status in (301, 302, 303):
            status, _, _ = self.get(headers["Location"])
        return status, time.perf_counter() - started

    def timed_get(self, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        status, _, _ = self.get(path)
        return status, time.perf_counter() - started

    def log_in(self, username: str, password: str) -> None:
        self.get("/auth/login/")
        status, text, _ = self.post("/auth/login/", {"username": username, "password": password})
        if status != 302:
            error = re.search(r'class="form-errors"[^>]*>(.*?)</div>', text, re.S)
            raise RuntimeError(f"log in failed ({status}): {error and error.group(1)}")


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] * 1000
