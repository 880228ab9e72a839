"""A stand-in for a mail provider's HTTP API on loopback: Anymail's backends talk to it for real."""

import email
import email.policy
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: email.message.Message
    body: bytes
    status: int = 0  # what the stand-in answered

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        """Fields of a urlencoded or multipart form, each a list of its values."""
        content_type = self.headers["Content-Type"]
        if content_type.startswith("application/x-www-form-urlencoded"):
            return parse_qs(self.body.decode())
        parsed = email.message_from_bytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + self.body,
            policy=email.policy.HTTP,
        )
        fields: dict[str, list[str]] = {}
        for part in parsed.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields.setdefault(name, []).append(part.get_content())
        return fields


@dataclass
class ProviderAPI:
    """A stand-in for a provider's HTTP API: records requests, answers with `reply`.

    `answer`, when set, decides each request's status and reply instead (one per recipient...).
    """

    url: str
    requests: list[RecordedRequest] = field(default_factory=list)
    status: int = 200
    reply: Any = field(default_factory=dict)
    answer: Callable[[RecordedRequest], tuple[int, Any]] | None = None


@contextmanager
def serve_provider_api() -> Iterator[ProviderAPI]:
    """A provider HTTP API on loopback (stdlib http.server in a thread)."""
    api = ProviderAPI(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            request = RecordedRequest("POST", self.path, self.headers, body)
            api.requests.append(request)
            status, reply = api.answer(request) if api.answer else (api.status, api.reply)
            request.status, payload = status, json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_port}/"
    # A short poll interval: shutdown() waits for the next poll, 0.5 s by default.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
