"""gunicorn's threaded worker, with its own error answers (400, 414, 431…) made like the app's.

Why: gunicorn answers a request it cannot parse (a request line or header over its limits, a
malformed line) itself, before Flask sees it, with a bare HTML page and none of the security
headers the app sets on every response. Behind nginx (scripts/run.sh) such requests are stopped by
nginx first; this covers gunicorn served directly (no nginx on the machine, or the Dockerfile's
image on its own). Under ``/api/`` the answer is the API's JSON error; elsewhere a short HTML page.
"""

from __future__ import annotations

import html
import json
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from service.headers import SECURITY_HEADERS


class _Captured:
    """Stands in for the client socket while gunicorn writes its error page, to keep the status."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def setblocking(self, flag: bool) -> None:
        pass

    def sendall(self, data: bytes) -> None:
        self.data += data


def error_response(status_line: str, path: str | None) -> bytes:
    """The bytes of an error answer with the security headers: JSON under /api/, else (and when the
    path is unknown: a request line too long to parse) a short HTML page."""
    code, _, reason = status_line.partition(" ")
    if path is not None and path.startswith("/api/"):
        body = json.dumps({"error": reason.lower().replace(" ", "_"), "message": f"{code} {reason}"}).encode()
        content_type = "application/json"
    else:
        text = html.escape(f"{code} {reason}")
        body = f'<!doctype html><html lang="en"><title>{text}</title><h1>{text}</h1></html>'.encode()
        content_type = "text/html; charset=utf-8"
    headers = {
        "Connection": "close",
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        **SECURITY_HEADERS,
    }
    head = f"HTTP/1.1 {status_line}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode("latin-1") + body


def request_path(req: Any, exc: BaseException) -> str | None:
    """The request's path, when gunicorn parsed the request line before failing. A request refused
    for its headers has no ``req`` yet: the half-built request is found in the traceback."""
    path = getattr(req, "path", None)
    tb = exc.__traceback__
    while path is None and tb is not None:
        path = getattr(tb.tb_frame.f_locals.get("self"), "path", None)
        tb = tb.tb_next
    return path if isinstance(path, str) else None


class SafeThreadWorker(ThreadWorker):
    """``gthread`` whose own error answers carry the security headers (JSON under /api/)."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)  # logs, access log, and the status it chose
        first = captured.data.split(b"\r\n", 1)[0].decode("latin-1")  # "HTTP/1.1 414 URI Too Long"
        status_line = first.partition(" ")[2] or "500 Internal Server Error"
        try:
            client.setblocking(True)
            client.settimeout(5)
            client.sendall(error_response(status_line, request_path(req, exc)))
        except Exception:  # the client went away; nothing to answer
            self.log.debug("Failed to send error message.")
