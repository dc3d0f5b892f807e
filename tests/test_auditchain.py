"""The pure chain: digests, the walk and a saved head."""

from __future__ import annotations

from typing import Any

from studio.auditchain import (
    FIELDS,
    GENESIS,
    Head,
    Link,
    check_head,
    compare_saved,
    digest,
    saved_head,
    walk,
)


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


def test_a_saved_head_is_read_as_typed_or_refused() -> None:
    """Spaces and capitals are forgiven; anything but a number and 64 hex digits is refused."""
    value = "AB" * 32
    assert saved_head(" 12 ", f"  {value}\n") == Head(12, value.lower())
    assert saved_head(0, GENESIS) == Head(0, GENESIS)
    for entry, text in (("-1", value), ("１２", value), ("1e3", value), ("", value), ("3", value[:-1]),
                        ("3", value + "0"), ("3", "g" * 64), ("9" * 19, value)):
        assert saved_head(entry, text) is None, (entry, text)


def test_a_saved_head_is_kept_rewritten_or_missing() -> None:
    """The stored link at the saved number decides; past the head it is missing; entry 0 is genesis."""
    rows = chain(4)
    links = [Link(row["id"], row["prev_hash"], row["hash"]) for row in rows]
    head = Head(4, rows[-1]["hash"])
    assert compare_saved(Head(2, rows[1]["hash"]), links[1], head) == "kept"
    assert compare_saved(Head(4, rows[3]["hash"]), links[3], head) == "kept"
    assert compare_saved(Head(2, rows[2]["hash"]), links[1], head) == "rewritten"
    assert compare_saved(Head(6, "c" * 64), None, head) == "missing"
    assert compare_saved(Head(0, GENESIS), None, head) == "kept"
    assert compare_saved(Head(0, "c" * 64), None, head) == "rewritten"
