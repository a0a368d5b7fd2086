"""A fake OpenAI-compatible chat-completions server on loopback, for the agent and simulation tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REPLY = "Here is my solution.\n\n```python\na, b = map(int, input().split())\nprint(a + b)\n```\n"


class FakeServer:
    """An OpenAI-compatible chat-completions endpoint on loopback that fails on cue."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.failures: list[int] = []  # status codes to answer, in order, before succeeding
        self.replies: list[str] = [REPLY]  # the reply to a request with seed s: replies[s % len]
        self.inputs_reply = "```input\n1 2\n```\n"  # the reply when asked for test inputs
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.lock:
                    fake.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
                    status = fake.failures.pop(0) if fake.failures else 200
                if status != 200:
                    self.send_response(status)
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(b'{"error": "try later"}')
                    return
                asked_inputs = "different test inputs" in body["messages"][-1]["content"]
                content = (
                    fake.inputs_reply if asked_inputs else fake.replies[body["seed"] % len(fake.replies)]
                )
                answer = {
                    "choices": [{"message": {"role": "assistant", "content": content}}],
                    "usage": {
                        "prompt_tokens": 100,
                        "completion_tokens": 17 + body["seed"],
                        "completion_tokens_details": {"reasoning_tokens": 5},
                    },
                }
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def completions(self) -> int:
        return len(self.calls)
