"""The embeddable feed in Chromium: a partner page of an allowed origin frames it and sees it update live;
a page of another origin is refused by the CSP's frame-ancestors, and so is any other page of the studio."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from support.browser import watch_errors
from support.clients import Studio
from support.servers import running_server

WAIT = 10_000


class Portal(BaseHTTPRequestHandler):
    """A partner's page: ``/?src=URL`` frames URL."""

    def do_GET(self) -> None:
        src = self.path.split("?src=", 1)[-1]
        body = (f'<!doctype html><html lang="zh-CN"><title>区门户</title><h1>区门户</h1>'
                f'<iframe id="feed" title="在线访谈" src="{src}" width="600" height="500"></iframe></html>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextmanager
def portal() -> Iterator[str]:
    """A real HTTP server of another origin (another port) serving :class:`Portal`; its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def framing(browser: Any, origin: str, src: str) -> tuple[Any, list[str]]:
    """The page of ``origin`` with ``src`` in an iframe; the console's messages."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.goto(f"{origin}/?src={src}")
    return page, messages


def wait_refusal(page: Any, messages: list[str]) -> None:
    """Until Chromium has reported refusing the frame because of its frame-ancestors."""
    if not any("frame-ancestors" in text for text in messages):
        page.wait_for_event("console", predicate=lambda msg: "frame-ancestors" in msg.text, timeout=WAIT)


def test_the_embed_renders_for_an_allowed_origin_and_is_refused_elsewhere(browser: Any, tmp_path: Path) -> None:
    """STUDIO_EMBED_ORIGINS lists the partner: its frame shows the answers and the next one live; another
    origin's frame, and a frame of the event page itself, are blocked (Chromium reports frame-ancestors)."""
    with portal() as partner, portal() as other, running_server(
            tmp_path, {"STUDIO_EMBED_ORIGINS": f"{partner},https://*.news.example.cn"}) as server:
        studio = Studio(server)
        slug = studio.new_event()
        asked = studio.ask(slug, "公园夜间能开放吗？", unit=studio.units["人社局"])
        question = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").json()
        question = studio.guest1.act(question, "on-air").json()
        embed = f"{server.base}/events/{slug}/embed"
        with server.http() as client:
            headers = client.get(embed).headers
        assert f"frame-ancestors {partner} https://*.news.example.cn" in headers["content-security-policy"]
        assert "x-frame-options" not in headers

        page, _ = framing(browser, partner, embed)
        errors: list[str] = []
        watch_errors(page, errors)
        frame = page.frame_locator("#feed")
        frame.locator("#embed-on-air", has_text="公园夜间").wait_for(timeout=WAIT)
        assert studio.guest1.act(question, "answer", text="夏季开放到晚上十点。").status_code == 200
        frame.locator("#embed-answered", has_text="晚上十点").wait_for(timeout=WAIT)
        assert frame.locator("#embed-on-air").inner_text() == "暂无"
        link = frame.locator(".embed-join")
        assert link.get_attribute("href") == f"{server.base}/events/{slug}"
        assert link.get_attribute("target") == "_blank"

        refused, messages = framing(browser, other, embed)
        wait_refusal(refused, messages)
        assert refused.frame_locator("#feed").locator("#embed").count() == 0
        page_itself, messages = framing(browser, partner, f"{server.base}/events/{slug}")
        wait_refusal(page_itself, messages)
        assert page_itself.frame_locator("#feed").locator("#event-page").count() == 0
        assert not [e for e in errors if "frame-ancestors" not in e], errors
