"""What the browser tests share: the app served on loopback against the real test node, screenshots
in test-artifacts/ (ignored), a phone-sized page. The fixtures are in conftest.py beside this."""

import socket
import threading
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page
from werkzeug.serving import make_server

from service import create_app
from service.config import Settings
from tests.project import ROOT

SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The Flask app on a loopback port, in a thread (as gunicorn would serve it)."""

    def __init__(self, settings: Settings) -> None:
        self.port = _free_port()
        self.server = make_server("127.0.0.1", self.port, create_app(settings), threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def phone(browser):
    """A new page the size of a phone (390×844), with touch, Hebrew locale."""
    context = browser.new_context(
        locale="he-IL", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    return context.new_page()
