"""A real chat-completions server on 127.0.0.1 for the ``llm:`` tests: it answers from the gold's own strings.

It speaks the OpenAI ``POST /v1/chat/completions`` protocol over HTTP (run by ``http.server`` in a thread),
checks every request (model, messages, decoding parameters, ``response_format`` shape) and records it.
Scripted misbehaviour: ``actions`` for the next requests (``"429"``, ``"500"``, ``"401"``, ``"timeout"``), or
``always`` one action for every request, answers that are not JSON for chunks containing a given string
(``bad_json``), and refusal of ``json_schema`` output. Hostile answers: ``shape`` rewrites the completion
object before it is sent, ``raw`` replaces the whole body (bytes, with ``content_type``), ``no_length`` sends
it without a Content-Length (read until the connection closes), ``trickle`` sends the whole HTTP answer one
byte every so many seconds, ``hang_after`` answers that many requests and then holds every later one (until
the server stops), and ``/loop/…`` redirects to itself forever. ``target`` limits ``shape``, ``raw``,
``no_length`` and ``trickle`` to the chunks that contain it (default ``""``: every chunk).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from rukp import paths

MARKERS = ("Texte à annoter :\n\n", "Text to annotate:\n\n")


def gold_documents() -> list[dict[str, Any]]:
    """The bundled gold documents (text, entities, claims)."""
    lines = (paths.BUNDLED_DATA / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def gold_answer(docs: list[dict[str, Any]], chunk: str, task: str) -> dict[str, Any]:
    """The gold's items inside ``chunk`` (a piece of one gold text), as strings, in text order."""
    for doc in docs:
        base = doc["text"].find(chunk)
        if base == -1:
            continue
        end = base + len(chunk)
        out: dict[str, Any] = {}
        if task in ("entities", "both"):
            ents = sorted((e for e in doc["entities"] if base <= e["start"] and e["end"] <= end),
                          key=lambda e: e["start"])
            out["entities"] = [{"text": e["text"], "label": e["label"]} for e in ents]
        if task in ("claims", "both"):
            claims = sorted((c for c in doc["claims"] if base <= c["start"] and c["end"] <= end),
                            key=lambda c: c["start"])
            out["claims"] = [{"text": c["text"], "claimer": c["claimer"] or "UNSPECIFIED",
                              "polarity": c["polarity"], "certainty": c["certainty"], "topic": c["topic"]}
                             for c in claims]
        return out
    return {"entities": [], "claims": []} if task == "both" else {task: []}


class FakeLLM:
    """The server: ``url`` (…/v1), the ``requests`` it got, the ``problems`` its validation found."""

    def __init__(self, model: str = "test-model") -> None:
        self.model = model
        self.docs = gold_documents()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.problems: list[str] = []
        self.actions: deque[str] = deque()
        self.always: str | None = None
        self.bad_json: set[str] = set()
        self.reject: set[str] = set()  # response_format types answered with 400
        self.delay = 0.0
        self.shape: Callable[[dict[str, Any]], Any] | None = None
        self.raw: bytes | None = None
        self.content_type = "application/json"
        self.no_length = False
        self.trickle = 0.0
        self.hang_after: int | None = None
        self.target = ""
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeLLM:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def validate(self, body: Any) -> str | None:
        """Why a request is not a valid chat-completions request of the extractor (None: it is)."""
        if not isinstance(body, dict):
            return "body is not a JSON object"
        msgs = body.get("messages")
        if not isinstance(msgs, list) or not msgs or not all(
                isinstance(m, dict) and m.get("role") in {"system", "user"} and isinstance(m.get("content"), str)
                for m in msgs):
            return "messages must be a non-empty list of {role, content}"
        if msgs[-1]["role"] != "user":
            return "the last message must be the user's"
        if body.get("temperature") != 0 or not isinstance(body.get("seed"), int):
            return "temperature 0 and an integer seed expected"
        if not isinstance(body.get("max_tokens"), int):
            return "max_tokens must be an integer"
        fmt = body.get("response_format")
        if fmt is not None:
            if fmt.get("type") == "json_schema":
                js = fmt.get("json_schema")
                if not (isinstance(js, dict) and isinstance(js.get("name"), str) and isinstance(js.get("schema"), dict)
                        and js["schema"].get("type") == "object"):
                    return "json_schema needs name and an object schema"
            elif fmt.get("type") != "json_object":
                return f"unknown response_format {fmt!r}"
        return None

    @staticmethod
    def task(body: dict[str, Any]) -> str:
        fmt = body.get("response_format") or {}
        props = (fmt.get("json_schema") or {}).get("schema", {}).get("properties")
        keys = set(props) if props else {k for k in ("entities", "claims")
                                         if f'{{"{k}"' in " ".join(m["content"] for m in body["messages"])}
        return "both" if keys == {"entities", "claims"} else keys.pop()

    @staticmethod
    def chunk(body: dict[str, Any]) -> str:
        user = body["messages"][-1]["content"]
        for marker in MARKERS:
            if marker in user:
                return user.split(marker, 1)[1]
        return user

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, obj: Any, headers: dict[str, str] | None = None,
                      data: bytes | None = None, hostile: bool = True) -> None:
                data = json.dumps(obj).encode("utf-8") if data is None else data
                try:
                    if server.trickle and hostile:
                        self._trickle(status, data)
                        return
                    self.send_response(status)
                    ok = status == 200 and hostile
                    self.send_header("Content-Type", server.content_type if ok else "application/json")
                    if not (server.no_length and ok):
                        self.send_header("Content-Length", str(len(data)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def _trickle(self, status: int, data: bytes) -> None:
                head = (f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(data)}\r\n\r\n").encode()
                for byte in head + data:
                    if server.stopping.wait(server.trickle):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path.startswith("/loop/"):
                    self.send_response(307)
                    self.send_header("Location", self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                    return
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with server._lock:
                    server.requests.append(body)
                    server.headers.append({k.lower(): v for k, v in self.headers.items()})
                    action = server.actions.popleft() if server.actions else server.always
                    hang = server.hang_after is not None and len(server.requests) > server.hang_after
                if hang:
                    server.stopping.wait(120)
                    return
                if isinstance(body, dict) and body.get("model") != server.model:
                    self._send(404, {"error": {"message": f"The model `{body.get('model')}` does not exist.",
                                               "type": "NotFoundError"}})
                    return
                problem = server.validate(body)
                if problem:
                    server.problems.append(problem)
                    self._send(400, {"error": {"message": problem, "type": "invalid_request_error"}})
                    return
                fmt = (body.get("response_format") or {}).get("type")
                if fmt in server.reject:
                    self._send(400, {"error": {"message": f"response_format {fmt} is not supported",
                                               "type": "invalid_request_error"}})
                    return
                if action == "429":
                    self._send(429, {"error": {"message": "slow down", "type": "rate_limit"}}, {"retry-after": "0"})
                    return
                if action == "401":
                    self._send(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_api_key"}})
                    return
                if action == "500":
                    self._send(500, {"error": {"message": "overloaded", "type": "server_error"}})
                    return
                if action == "500-echo":  # a careless server quoting the request's credentials back
                    self._send(500, {"error": {"message": f"bad auth {self.headers.get('Authorization')}",
                                               "type": "server_error"}})
                    return
                if action == "timeout":
                    time.sleep(1.0)
                if server.delay:
                    time.sleep(server.delay)
                chunk = server.chunk(body)
                if any(s in chunk for s in server.bad_json):
                    content = "Voici ma réponse, sans JSON, désolé."
                else:
                    content = json.dumps(gold_answer(server.docs, chunk, server.task(body)), ensure_ascii=False)
                answer = {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": server.model,
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                }
                if server.target not in chunk:
                    self._send(200, answer, hostile=False)
                    return
                if server.shape is not None:
                    answer = server.shape(answer)
                self._send(200, answer, data=server.raw)

        return Handler
