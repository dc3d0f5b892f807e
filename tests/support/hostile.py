"""What hostile clients send: ``next`` targets for the login page, and values for the fuzz tests."""

from __future__ import annotations

NEXT_REFUSED = [
    "/\t/evil.example/", "/\n/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example",
    "/ok\\..\\x", "https://evil.example/", "evil.example/studio/", "", "/a b", "/a\u3000b", "/a\u00a0b",
    "/\u0085/evil.example", "/\u200b/evil.example", "/\ufeff/x", "/\u202e/x", "/\x00x", "/\x7f", "/\u2028x",
]
"""``next`` values the login page must not follow: each leads a browser elsewhere or hides what it is."""
NEXT_KEPT = ["/studio/", "/studio/events/ev-1/moderate", "/board?q=%E7%A4%BE%E4%BF%9D&page=2#top",
             "/studio/events/a%09b/answer", "/事件/中文路径"]
"""``next`` values on this site, kept as they are."""

BIG = 2**63
FIELDS = ["text", "unit", "version", "into", "question", "reason", "note", "code", "rating", "comment",
          "username", "password", "role", "active", "name", "parent", "slug", "title", "description",
          "starts_at", "ends_at", "guests", "moderators", "day", "kind", "items", "action", "hard", "id",
          "client_key", "nickname", "category", "replace", "term", "level", "display_name", "ref", "type",
          "wording", "position", "days"]
"""Field names the API and the sockets read (a fuzzed body mixes them with others)."""
HOSTILE_TEXTS = ["\ud800", "a\udfffb", "\x00", "\x85\u202e\u200b", "=HYPERLINK(\"http://evil.example\")",
                 "9" * 30, "²", "٣", "２０２６-W01", "9999-W52", "9999-12-31", "0000-00-00", "2026-02-30",
                 "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "/\t/evil.example", "满意", "长" * 3000,
                 "%00", "../..", "<script>", "NaN", "", " ", "approve", "satisfied", "holiday", "admin"]
"""Strings that used to reach a 500, or might: surrogates, controls, other digits, far dates, formulas."""
HOSTILE_NUMBERS = [BIG, BIG - 1, -BIG - 1, -1, 0, 10**30, 1e308, -0.0, 2**53 + 1]
HOSTILE_BODIES: list[object] = [
    b"[" * 6000 + b"]" * 6000,
    b'{"text": "\\ud800", "unit": ' + str(BIG).encode() + b"}",
    {"version": BIG, "unit": BIG, "into": BIG, "question": BIG, "id": BIG, "parent": BIG, "items": [{"id": BIG, "version": BIG}]},
    {name: "\ud800" for name in FIELDS},
    {name: [[[{"x": []}]]] for name in FIELDS},
    {"day": "9999-12-31", "starts_at": "9999-12-31T23:59:59-12:00", "ends_at": "0001-01-01T00:00:00+14:00",
     "kind": "holiday", "week": "9999-W52", "year": 99999},
    {"code": "码码码码", "rating": "满意", "username": "管理员", "password": "密码" * 10, "client_key": "钥匙" * 5},
    b"\xff\xfe{\"text\": 1}",
    b'{"n": 1e999, "m": NaN, "text": "x"}',
    [1, 2, 3],
]
"""Whole bodies sent to every route: nesting, surrogates, huge ids, far dates, wrong types, bad UTF-8."""


def path_values(path: str, scene: dict[str, object]) -> list[dict[str, str]]:
    """Values for the path parameters of ``path``: real ones from ``scene`` and hostile ones."""
    ids = [str(scene["ids"][0]), "999999999999999999", "1"]  # type: ignore[index]
    choices = {
        "id": ids,
        "slug": [str(scene["slug"]), str(scene["closed"]), "%F0%9F%98%80%00"],
        "action": ["approve", "on-air", "%E5%8A%A8"],
        "code": [str(scene["tracking"]), "ABCD2345", "%ED%A0%80" + "x" * 300],
        "username": ["mod2", "%E7%AE%A1"],
        "day": ["2026-01-01", "9999-12-31", "x"],
        "fmt": ["csv", "xlsx"],
        "rest": ["a/%00/b"],
    }
    names = [name for name in choices if "{" + name in path]
    width = max((len(choices[name]) for name in names), default=1)
    return [{name: choices[name][n % len(choices[name])] for name in names} for n in range(width)]


def query_values() -> dict[str, list[str]]:
    """Query parameters the pages and the API read, each with hostile values."""
    hostile = ["9" * 25, str(BIG), "²", "-1", "0", "%00", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1")]
    return {
        "q": ["社保", "\x00" * 5, "长" * 200], "unit": hostile, "category": hostile, "page": hostile,
        "per_page": hostile, "status": ["overdue", "x"], "sort": ["relevance", "x"], "from": ["9999-12-31", "x"],
        "to": ["9999-12-31", "0001-01-01"], "event": ["%00", "x" * 300], "week": ["9999-W52", "0001-W01", "2026-W99"],
        "year": hostile, "question": hostile, "since": hostile, "all": ["1", "x"], "level": ["x" * 100],
        "next": ["/\t/evil.example"],
    }
