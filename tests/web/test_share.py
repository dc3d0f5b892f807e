"""Share metadata on the event, transcript and case pages; who may frame which page."""

from __future__ import annotations

from html.parser import HTMLParser

from support.clients import Studio


class Meta(HTMLParser):
    """The page's ``<meta>`` values by ``property``, ``name`` or ``itemprop``, and its canonical link."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta":
            key = found.get("property") or found.get("name") or found.get("itemprop")
            if key:
                self.values[key] = found.get("content") or ""
        elif tag == "link" and found.get("rel") == "canonical":
            self.values["canonical"] = found.get("href") or ""


def meta(html: str) -> dict[str, str]:
    parser = Meta()
    parser.feed(html)
    return parser.values


def test_event_transcript_and_case_pages_carry_share_metadata(studio: Studio) -> None:
    """og:title/description/url/image and the itemprop names WeChat reads, with whole addresses and public text only."""
    slug = studio.new_event()
    base = studio.server.base
    with studio.server.http() as client:
        live = meta(client.get(f"/events/{slug}").text)
        assert live["og:title"] == live["name"] == "测试访谈"
        assert live["og:description"] == live["description"] == "测试"
        assert live["og:url"] == live["canonical"] == f"{base}/events/{slug}"
        assert live["og:image"] == live["image"] == f"{base}/static/share.png"
        assert client.get("/static/share.png").headers["content-type"] == "image/png"
        assert live["og:type"] == "website" and live["twitter:card"] == "summary"

        asked = studio.ask(slug, "我的手机13912345678，社保转移怎么办？", unit=studio.units["人社局"])
        redacted = "我的手机[已隐去]，社保转移怎么办？"
        approved = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve", text=redacted)
        assert approved.status_code == 200, approved.text
        assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
        closed = meta(client.get(f"/events/{slug}").text)
        assert closed["og:title"] == "测试访谈 · 文字实录" and closed["og:type"] == "article"
        case_id = client.get(f"/api/track/{asked['tracking_code']}").json()["case"]["id"]
        case = client.get(f"/board/cases/{case_id}").text
        shared = meta(case)
        assert shared["og:url"] == f"{base}/board/cases/{case_id}"
        assert shared["og:description"] == redacted
        assert "13912345678" not in case


def test_only_the_embed_may_be_framed(studio: Studio) -> None:
    """Without STUDIO_EMBED_ORIGINS the embed is framed by none either; every page keeps frame-ancestors 'none'."""
    slug = studio.new_event()
    with studio.server.http() as client:
        for path in ("/", f"/events/{slug}", f"/events/{slug}/screen", "/board", "/studio/login"):
            answer = client.get(path)
            assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], path
            assert answer.headers["x-frame-options"] == "DENY", path
        embed = client.get(f"/events/{slug}/embed")
        assert embed.status_code == 200
        assert "frame-ancestors 'none'" in embed.headers["content-security-policy"]
        assert "script-src 'self'" in embed.headers["content-security-policy"]
        assert client.get("/events/no-such-event/embed").status_code == 404
