"""Hot-topic grouping on the 30 real messages with likes (hot-messages.jsonl): do messages about
the same problem land together?

Method: the 30 messages are grouped by ``studio.hottopics`` (title twice and
text, TF-IDF of jieba words, average-linkage clustering on cosine distance
cut at ``DISTANCE``), their likes counted as +1s. The reference
grouping was made by reading the messages: ten are about the night stalls
and restaurants under one residential compound (魅力之城: smoke and noise),
five about one college sending its students to work placements (A市经济学院),
and the other fifteen are each about a different problem. Prints pairwise
precision, recall and F1 (of the pairs put together, how many belong
together; of those that belong together, how many were put together), the
adjusted Rand index, the hot topics found, and the same scores over a range
of distance thresholds (the chosen one was set on this same sample: the
figure at it is optimistic, the sweep shows how much it depends on it).

    .venv/bin/python bench/hot_topics.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio import hottopics  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wenzheng"
COMPOUND = range(360100, 360110)
COLLEGE = range(360110, 360115)


def main() -> None:
    path = DATA / "hot-messages.jsonl"
    if not path.exists():
        sys.exit(f"the real sample is not beside the project ({DATA})")
    from sklearn.metrics import adjusted_rand_score

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [hottopics.Item("case", row["id"], row["title"], row["text"], row["submitted_at"], row["likes"])
             for row in rows]
    truth = [0 if row["id"] in COMPOUND else 1 if row["id"] in COLLEGE else 2 + i for i, row in enumerate(rows)]
    found = hottopics.labels(items)
    precision, recall, f1 = hottopics.pair_scores(found, truth)
    print(f"{len(rows)} messages, {len(set(truth))} reference groups, {len(set(found))} found; "
          f"distance {hottopics.DISTANCE}")
    print(f"pairwise precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}; "
          f"adjusted Rand {adjusted_rand_score(truth, found):.3f}")
    print("hot topics (heat = messages + 0.1 x likes):")
    for topic in hottopics.hot(hottopics.topics(items), 10):
        print(f"  heat {topic.heat:5.1f}  {topic.count:>2} messages  {topic.supports:>2} likes  "
              f"{topic.first_at[:10]} to {topic.last_at[:10]}  {topic.title}")
    print("threshold sweep (distance: precision / recall / F1):")
    for distance in (0.8, 0.85, 0.88, 0.9, 0.92, 0.93, 0.95, 0.97):
        p, r, f = hottopics.pair_scores(hottopics.labels(items, distance), truth)
        print(f"  {distance:.2f}: {p:.3f} / {r:.3f} / {f:.3f}")


if __name__ == "__main__":
    main()
