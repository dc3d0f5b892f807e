"""Reply quality indicators over the 120 real replies of the shared sample: their distribution.

Method: every reply of replies.jsonl is assessed against its own message
(title and text) by ``studio.replyquality.assess_all``, boilerplate judged
among the 120 replies. Working days run from the message's day to the reply's
day, weekends off (the sample has no holiday calendar, so public holidays
count as working days here). As a check of the relevance rule, each reply is
also scored against another message (the one 37 rows further on, wrapping):
a rule that tells replies apart by their message should find few of those
"addressed". Prints the share of replies showing each indicator, the points
histogram, working days and relevance quantiles.

    .venv/bin/python bench/reply_quality.py
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio import replyquality  # noqa: E402
from studio.board.workdays import working_days_between  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wenzheng"
INDICATORS = ("addresses", "action", "by_when", "basis", "contact", "boilerplate")


def quantiles(values: list[float]) -> str:
    """Min, quartiles and max, rounded."""
    q1, q2, q3 = statistics.quantiles(values, n=4)
    return f"min {min(values):.2f}, q1 {q1:.2f}, median {q2:.2f}, q3 {q3:.2f}, max {max(values):.2f}"


def main() -> None:
    path = DATA / "replies.jsonl"
    if not path.exists():
        sys.exit(f"the real sample is not beside the project ({DATA})")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    messages = [row["title"] + "\n" + row["text"] for row in rows]
    days = [working_days_between(datetime.fromisoformat(row["submitted_at"]).date(),
                                 datetime.fromisoformat(row["replied_at"]).date()) for row in rows]
    judged = replyquality.assess_all([(m, row["reply"]) for m, row in zip(messages, rows, strict=True)],
                                      working_days=days)
    total = len(judged)
    print(f"{total} replies; RELEVANCE_MIN {replyquality.RELEVANCE_MIN}, COPY_MIN {replyquality.COPY_MIN}")
    print("indicator     replies  share")
    for name in INDICATORS:
        count = sum(1 for found in judged if getattr(found, name))
        print(f"{name:<13} {count:>7}  {count / total:6.1%}")
    points = Counter(found.points for found in judged)
    print("points  " + "  ".join(f"{p}: {points.get(p, 0)}" for p in range(replyquality.MAX_POINTS + 1)))
    print(f"mean points {statistics.mean(found.points for found in judged):.2f}")
    print(f"reply length (characters): {quantiles([float(found.length) for found in judged])}")
    print(f"working days to reply: {quantiles([float(d) for d in days])}")
    own = [found.relevance for found in judged]
    other = [replyquality.relevance(messages[(i + 37) % total], row["reply"]) for i, row in enumerate(rows)]
    print(f"relevance to its own message:  {quantiles(own)}")
    print(f"relevance to another message:  {quantiles(other)}")
    print(f"'addresses' with its own message {sum(v >= replyquality.RELEVANCE_MIN for v in own) / total:.1%}, "
          f"with another {sum(v >= replyquality.RELEVANCE_MIN for v in other) / total:.1%}")
    copies = Counter(row["reply"].strip() for row, found in zip(rows, judged, strict=True) if found.boilerplate)
    for text, count in copies.most_common(5):
        print(f"boilerplate x{count}: {text[:60]}")


if __name__ == "__main__":
    main()
