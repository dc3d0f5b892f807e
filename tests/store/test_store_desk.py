"""The desk's store modules in a real store: claims, the reason catalogue, the lexicon, question reads."""

from __future__ import annotations

import sqlite3

import pytest

from moderation.lexicon import Term
from studio.store import claims, desk, lexicon, reasons
from studio.store.database import Database, Tx

pytestmark = pytest.mark.asyncio
NOW = "2026-03-02T10:00:00+08:00"


async def _event(tx: Tx, slug: str) -> int:
    return await tx.insert(
        "INSERT INTO events (slug, title, status, starts_at, ends_at, created_at) "
        "VALUES (?, 'E', 'live', ?, ?, ?)", (slug, NOW, NOW, NOW))


async def _question(tx: Tx, event_id: int, text: str, *, status: str = "pending", viewer: str = "",
                    address: str = "", handled_at: str | None = None) -> int:
    return await tx.insert(
        """INSERT INTO questions (event_id, status, original_text, client_key, tracking_code,
           rating_code, viewer_key, address, asked_at, handled_at)
           VALUES (?, ?, ?, ?, ?, 'R', ?, ?, ?, ?)""",
        (event_id, status, text, text, f"t-{text}", viewer, address, NOW, handled_at))


async def test_claims(db: Database) -> None:
    """One holder per question; ends by holder, by anyone, by event and user, or by expiry."""
    async with db.write() as tx:
        event = await _event(tx, "e1")
        q1, q2, q3 = [await _question(tx, event, text) for text in ("一", "二", "三")]
        await claims.put_claim(tx, q1, event, "mod1", 100.0)
        await claims.put_claim(tx, q1, event, "mod2", 150.0)
        await claims.put_claim(tx, q2, event, "mod2", 50.0)
        await claims.put_claim(tx, q3, event, "mod2", 200.0)
    async with db.read() as conn:
        assert tuple(await claims.holder(conn, q1)) == ("mod2", 150.0)
        assert [r["question_id"] for r in await claims.live_claims(conn, event, 60.0)] == [q1, q3]
        assert await claims.any_expired(conn, 60.0) and not await claims.any_expired(conn, 10.0)
    async with db.write() as tx:
        assert not await claims.drop_claim_of(tx, q1, "mod1")
        expired = [tuple(row) for row in await claims.drop_expired(tx, 60.0)]
        assert await claims.drop_claim(tx, q3) == "mod2"
        assert await claims.drop_claim(tx, q3) is None
        assert await claims.drop_claims_of(tx, event, "mod2") == [q1]
        assert await claims.holder(tx, q1) is None
    assert expired == [(q2, event, "mod2")]


async def test_reason_catalogue(db: Database) -> None:
    """The shipped reasons in order; found by code before wording; new ones after the last; edits."""
    async with db.read() as conn:
        codes = [row["code"] for row in await reasons.reason_rows(conn)]
        assert (await reasons.active_reason(conn, "广告信息"))["code"] == "ads"
        assert await reasons.active_reason(conn, "nothing") is None
        assert await reasons.next_position(conn) == 8
    assert codes[:2] == ["abuse", "off_topic"] and codes[-1] == "other" and len(codes) == 7
    async with db.write() as tx:
        await reasons.insert_reason(tx, "ads2", "ads", 0)  # a wording equal to another's code
        await reasons.update_reason(tx, "abuse", {"active": 0, "text": "不文明"})
        with pytest.raises(ValueError):
            await reasons.update_reason(tx, "ads", {"code": "x"})
    async with db.read() as conn:
        assert (await reasons.active_reason(conn, "ads"))["code"] == "ads"
        assert "abuse" not in await reasons.active_codes(conn)
        assert (await reasons.active_codes(conn))[0] == "ads2"
        every = [row["code"] for row in await reasons.reason_rows(conn, include_inactive=True)]
        assert (await reasons.reason_row(conn, "abuse"))["text"] == "不文明"
    assert every[:2] == ["ads2", "abuse"]
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as tx:
            await reasons.insert_reason(tx, "ads", "again", 9)


async def test_lexicon_rows(db: Database) -> None:
    """Terms are added once per category, paged newest first, removed; every change can bump the version."""
    async with db.read() as conn:
        assert await lexicon.version(conn) == "0"
        assert not await lexicon.seeded(conn) and not await lexicon.has_terms(conn)
    async with db.write() as tx:
        await lexicon.mark_seeded(tx, NOW)
        added = await lexicon.insert_terms(tx, [
            Term("代开发票", "ads", "block"), Term("加微信", "ads", "review"),
            Term("代开发票", "ads", "review"), Term("代开发票", "illegal", "block")], by="admin", at=NOW)
        await lexicon.bump_version(tx)
        await lexicon.bump_version(tx)
    assert added == 3
    async with db.read() as conn:
        assert await lexicon.version(conn) == "2" and await lexicon.seeded(conn)
        total, rows = await lexicon.term_page(conn, q="发票", limit=1, offset=0)
        assert total == 2 and [(r["term"], r["category"]) for r in rows] == [("代开发票", "illegal")]
        total, rows = await lexicon.term_page(conn, category="ads", level="review", limit=10, offset=0)
        assert total == 1 and rows[0]["added_by"] == "admin"
        assert [tuple(r) for r in await lexicon.category_counts(conn)] == [("ads", 2), ("illegal", 1)]
        assert [t.text for t in await lexicon.terms(conn)] == ["代开发票", "加微信", "代开发票"]
        assert [t.category for t in await lexicon.terms(conn, by_category=True)] == ["ads", "ads", "illegal"]
        row = await lexicon.term_row(conn, "加微信", "ads")
    async with db.write() as tx:
        assert (await lexicon.delete_term(tx, row["id"]))["term"] == "加微信"
        assert await lexicon.delete_term(tx, row["id"]) is None
        assert await lexicon.delete_all(tx) == 2
    async with db.read() as conn:
        assert not await lexicon.has_terms(conn)


async def test_desk_question_reads(db: Database) -> None:
    """A bulk selection's questions of the event, questions after an id, removed ones, a client's texts."""
    async with db.write() as tx:
        event = await _event(tx, "e1")
        other = await _event(tx, "e2")
        q1 = await _question(tx, event, "一", viewer="v1")
        q2 = await _question(tx, event, "二", status="rejected", viewer="v1",
                             handled_at="2026-03-02T10:05:00+08:00")
        q3 = await _question(tx, event, "三", address="10.0.0.1")
        elsewhere = await _question(tx, other, "四", viewer="v1")
    async with db.read() as conn:
        assert await desk.question_ids_in_event(conn, event, [q1, q3, elsewhere, 999]) == {q1, q3}
        assert await desk.question_ids_in_event(conn, event, []) == set()
        after = [(r["id"], r["status"]) for r in await desk.questions_after(conn, event, q1)]
        removed = [r["id"] for r in await desk.removed_since(conn, event, "2026-03-02T10:00:00+08:00")]
        assert await desk.removed_since(conn, event, "2026-03-02T11:00:00+08:00") == []
        assert await desk.client_texts(conn, event, "viewer_key", "v1", 5) == ["二", "一"]
        assert await desk.client_texts(conn, event, "viewer_key", "v1", 1) == ["二"]
        assert await desk.client_texts(conn, event, "address", "10.0.0.1", 5) == ["三"]
        with pytest.raises(ValueError):
            await desk.client_texts(conn, event, "original_text", "一", 5)
    assert after == [(q2, "rejected"), (q3, "pending")] and removed == [q2]
