"""Screening measured against labelled sets of realistic staff posts. Prints precision and
recall per category and fails below the agreed floors.

Two sets, both written by people who had not seen the screening rules:

- ``screening_posts.jsonl`` (160 posts) is the **tuning set**: the rules were developed
  against it, so its figures are optimistic. The issue's floor applies here:
  safeguarding recall must be at least 0.9.
- ``screening_posts_holdout.jsonl`` (102 posts, different writer and style) has never been
  read by whoever changes the rules; only its summary (themes, counts) was. Its figures are
  the honest ones. History: the first blind measurement gave safeguarding recall 0.38;
  after one round of general warning-sign patterns (suicide warning signs, coercive
  control, threats) it is 0.81. Its floors guard against regressions.

Do not tune the rules on the hold-out posts; write a new hold-out set instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from candour.queue.screening import DEFAULT_ABUSIVE_TERMS, screen_text

DATA = Path(__file__).parents[1] / "data"
FLOORS = {
    # set: {category: (minimum precision, minimum recall)}
    "screening_posts.jsonl": {
        "safeguarding": (0.6, 0.9),
        "abusive": (0.7, 0.8),
        "personal": (0.6, 0.7),
    },
    "screening_posts_holdout.jsonl": {
        "safeguarding": (0.6, 0.75),
        "abusive": (0.8, 0.55),
        "personal": (0.8, 0.6),
    },
}
CASES = [(name, category) for name, floors in FLOORS.items() for category in floors]


def _measure(name: str, category: str) -> tuple[float, float, int, int]:
    posts = [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]
    true_positive = false_positive = false_negative = 0
    for post in posts:
        predicted = any(
            hit.category == category for hit in screen_text(post["text"], DEFAULT_ABUSIVE_TERMS)
        )
        actual = category in post["labels"]
        true_positive += predicted and actual
        false_positive += predicted and not actual
        false_negative += actual and not predicted
    precision = true_positive / max(1, true_positive + false_positive)
    recall = true_positive / max(1, true_positive + false_negative)
    return precision, recall, true_positive + false_negative, len(posts)


@pytest.mark.parametrize(("name", "category"), CASES)
def test_screening_meets_its_floor(
    name: str, category: str, capsys: pytest.CaptureFixture[str]
) -> None:
    precision, recall, positives, size = _measure(name, category)
    with capsys.disabled():
        print(
            f"\nscreening {name:<31} {category:<13} precision {precision:.2f}  recall {recall:.2f}"
            f"  ({positives} of {size} posts labelled)"
        )
    assert size >= 100
    min_precision, min_recall = FLOORS[name][category]
    assert recall >= min_recall, f"{category} recall {recall:.2f} < {min_recall}"
    assert precision >= min_precision, f"{category} precision {precision:.2f} < {min_precision}"


def test_hard_negatives_are_not_flagged() -> None:
    for text in (
        "The queue at the canteen is killing me, dying for a coffee by 11.",
        "Ward 7 and Car Park B need better lighting; the NHS Trust should fix it before Christmas.",
        "Our manager never listens and the consultants are always late to the huddle.",
        "We need a 24/7 self-harm liaison service and suicide prevention training for all staff.",
    ):
        assert screen_text(text, DEFAULT_ABUSIVE_TERMS) == [], text


def test_starred_out_words_are_found() -> None:
    for text in ("f**k off", "what a load of sh*t", "a complete c***", "useless PR*CKS"):
        assert [h.category for h in screen_text(text, DEFAULT_ABUSIVE_TERMS)] == ["abusive"], text
