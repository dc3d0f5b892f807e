"""The pure chain: digests, the walk and a saved head."""

from __future__ import annotations

from typing import Any

from studio.auditchain import FIELDS, GENESIS, check_head, digest, walk


def chain(count: int) -> list[dict[str, Any]]:
    """``count`` linked entries with plain fields."""
    rows: list[dict[str, Any]] = []
    previous = GENESIS
    for number in range(1, count + 1):
        fields = {name: None for name in FIELDS} | {"actor": "mod1", "action": "approve", "detail": "{}",
                                                    "at": "2026-11-22T20:00:00+08:00", "after_text": f"问题{number}"}
        value = digest(number, previous, fields)
        rows.append({"id": number, "prev_hash": previous, "hash": value, **fields})
        previous = value
    return rows


def test_digest_covers_every_field_and_the_link() -> None:
    """Changing any field, the number or the previous hash changes the digest."""
    base = {name: f"v-{name}" for name in FIELDS}
    first = digest(1, GENESIS, base)
    assert len(first) == 64
    assert digest(2, GENESIS, base) != first and digest(1, "a" * 64, base) != first
    for name in FIELDS:
        assert digest(1, GENESIS, base | {name: "其他"}) != first


def test_walk_names_the_first_break() -> None:
    """An intact chain has its head; an edit, a gap and a bad link are named at the first entry hit."""
    rows = chain(5)
    verdict = walk(rows)
    assert verdict.intact and verdict.entries == 5 and verdict.head.hash == rows[-1]["hash"]
    assert walk([]).head.hash == GENESIS
    edited = [dict(row) for row in rows]
    edited[2]["after_text"] = "改"
    assert walk(edited).broken is not None and walk(edited).broken.entry == 3  # type: ignore[union-attr]
    gap = rows[:2] + rows[3:]
    broken = walk(gap).broken
    assert broken is not None and (broken.entry, broken.kind) == (4, "order")
    linked = [dict(row) for row in rows]
    linked[4]["prev_hash"] = "f" * 64
    broken = walk(linked).broken
    assert broken is not None and (broken.entry, broken.kind) == (5, "link")


def test_saved_head_must_be_in_the_chain() -> None:
    """A head from the chain passes; an unknown one is refused and named."""
    rows = chain(3)
    verdict = walk(rows)
    assert check_head(verdict, rows[1]["hash"]) is None
    assert check_head(verdict, GENESIS) is None
    problem = check_head(verdict, "b" * 64)
    assert problem is not None and "b" * 64 in problem
