"""A stand-in for Postmark's HTTP API on loopback that answers each message after `delay`.

The workers reach it through Anymail's real Postmark backend (ALERTS_ANYMAIL_POSTMARK_API_URL),
over keep-alive connections, as they would reach the provider. It keeps each message's arrival
time and the delivery id Anymail sends as metadata, so a row can count duplicates.
"""

import json
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .arrivals import Arrivals


class ProviderStandIn(Arrivals):
    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.delivery_ids: Counter[str] = Counter()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like a provider's API
            disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms ACK wait

            def do_POST(self) -> None:
                message = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(stand_in.delay)
                stand_in.record_message(message)
                reply = json.dumps(
                    {
                        "To": message.get("To", ""),
                        "SubmittedAt": "2026-12-01T00:00:00Z",
                        "MessageID": str(uuid.uuid4()),
                        "ErrorCode": 0,
                        "Message": "OK",
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def record_message(self, message: dict) -> None:
        with self.lock:
            self.delivery_ids[message.get("Metadata", {}).get("delivery_id", "")] += 1
        self.record()

    def reset(self) -> None:
        super().reset()
        with self.lock:
            self.delivery_ids.clear()

    def duplicates(self) -> int:
        """Messages beyond the first for any one delivery."""
        with self.lock:
            return sum(n - 1 for n in self.delivery_ids.values())

    def env(self) -> dict[str, str]:
        """The `alerts` mailer's environment: Anymail's Postmark backend aimed at the stand-in."""
        return {
            "ALERTS_EMAIL_BACKEND": "postmark",
            "ALERTS_ANYMAIL_POSTMARK_SERVER_TOKEN": "bench-token",
            "ALERTS_ANYMAIL_POSTMARK_API_URL": self.url,
        }

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
