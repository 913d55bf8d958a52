"""The pieces of the Pol.is computation and of the file format, against values worked out by
hand."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import numpy as np
import pytest
import scipy.sparse

from candour.analysis.groups import (
    _participants_in,
    group_participants,
    principal_axes,
    prop_test,
    two_prop_test,
)
from candour.analysis.polis_files import (
    polis_datetime,
    read_polis,
    statement_text,
    title_of,
    unescape_formula,
)
from candour.analysis.votes import VoteArrays, parse_binary_copy
from candour.core.csvfiles import safe_cell


def test_the_one_proportion_test() -> None:
    # 8 agrees of 10: 2·√11·(9/11 − ½)
    assert prop_test(np.array([8.0]), np.array([10.0]))[0] == pytest.approx(2.1106, abs=1e-4)
    assert prop_test(np.array([5.0]), np.array([10.0]))[0] == pytest.approx(0.3015, abs=1e-4)


def test_the_two_proportion_test() -> None:
    # 8 of 10 in the group, 2 of 10 elsewhere: (9/11 − 3/11) / √(12/22 · 10/22 · 2/11)
    z = two_prop_test(np.array([8.0]), np.array([2.0]), np.array([10.0]), np.array([10.0]))
    assert z[0] == pytest.approx(2.5690, abs=1e-4)
    # Nothing seen anywhere: a pooled rate of 1, which Pol.is answers with 0.
    nothing = np.zeros(1)
    assert two_prop_test(nothing, nothing, nothing, nothing)[0] == 0


def test_the_principal_axes_are_those_of_the_centred_matrix() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.normal(size=(40, 6)) @ np.diag([5, 3, 1, 0.5, 0.2, 0.1])
    centred = matrix - matrix.mean(axis=0)
    axes = principal_axes(scipy.sparse.csr_matrix(centred))
    _, _, expected = np.linalg.svd(centred, full_matrices=False)
    for found, wanted in zip(axes, expected[:2], strict=True):
        assert abs(float(found @ wanted)) == pytest.approx(1.0)
        assert found[np.abs(found).argmax()] > 0  # a sign that does not depend on the solver


def test_who_counts_towards_the_groups() -> None:
    busy = np.array([7] * 15 + [6, 1, 0])
    assert _participants_in(busy, ideas=20).tolist() == list(range(15))
    # With few ideas, voting on all of them is enough.
    assert _participants_in(np.array([3] * 16 + [2]), ideas=3).tolist() == list(range(16))
    # Fewer than 15 qualify: the most active are taken in, never someone without votes.
    few = np.array([9, 1, 5, 0, 3])
    assert _participants_in(few, ideas=20).tolist() == [0, 1, 2, 4]


def _two_camps() -> VoteArrays:
    voter, idea, value = [], [], []
    for person in range(30):
        camp = 1 if person < 15 else -1
        for i in range(8):
            voter.append(person)
            idea.append(i)
            value.append(camp if (i + person) % 5 else 0)
    return VoteArrays(
        idea_ids=[uuid.uuid4() for _ in range(8)],
        shown=np.ones(8, dtype=bool),
        idea=np.array(idea),
        voter=np.array(voter),
        value=np.array(value, dtype=np.int8),
        voters=30,
    )


def test_two_camps_make_two_groups_whatever_the_voters_numbers() -> None:
    votes = _two_camps()
    grouping, group_of = group_participants(votes)
    assert [g.size for g in grouping.groups] == [15, 15]
    assert len(set(group_of[:15])) == 1 and len(set(group_of[15:])) == 1
    assert group_of[0] != group_of[15]
    # Renumbering the voters changes nobody's group.
    renumber = np.random.default_rng(1).permutation(30)
    shuffled = VoteArrays(
        votes.idea_ids, votes.shown, votes.idea, renumber[votes.voter], votes.value, 30
    )
    _, regrouped = group_participants(shuffled)
    assert (regrouped[renumber] == group_of).all()
    # Passes are votes seen, not agrees or disagrees.
    passes = int((votes.value == 0).sum())
    assert int(grouping.seen.sum()) - int(grouping.agrees.sum() + grouping.disagrees.sum()) == (
        passes
    )


def test_a_vote_log_keeps_each_persons_last_vote() -> None:
    comments = "comment-id,author-id,moderated,comment-body\n0,0,1,Hello\n"
    votes = (
        "timestamp,comment-id,voter-id,vote\n"
        "20,0,1,1\n"  # replaced: a later vote (by time) follows
        "10,0,1,-1\n"
        "30,0,1,0\n"  # the latest
        "5,0,2,1\n"
        "5,0,2,-1\n"  # same time: the later line wins
    )
    parsed = read_polis(comments, votes)
    assert sorted(zip(parsed.vote_voter.tolist(), parsed.vote_value.tolist(), strict=True)) == [
        (1, 0),
        (2, -1),
    ]
    assert parsed.superseded_votes == 3


def test_titles_and_statements_round_trip() -> None:
    short = "Free parking for night staff"
    assert title_of(short) == short and statement_text(title_of(short), short) == short
    long = "word " * 100
    assert len(title_of(long)) <= 200 and title_of(long).endswith("…")
    assert statement_text(title_of(long.strip()), long.strip()) == long.strip()
    # A native idea whose title is not its first words keeps both.
    assert statement_text("Parking", "Nights are hard to reach") == (
        "Parking\n\nNights are hard to reach"
    )


def test_spreadsheet_escaping_is_undone_on_import() -> None:
    for text in ("=SUM(A1)", "-1 is not a vote", "@everyone", "plain"):
        assert unescape_formula(str(safe_cell(text))) == text
    assert unescape_formula("'Lexit' is a word") == "'Lexit' is a word"


def test_pol_is_dates_are_english_and_utc() -> None:
    moment = datetime(2018, 11, 17, 5, 0, tzinfo=UTC)
    assert polis_datetime(moment) == "Sat Nov 17 05:00:00 UTC 2018"


def test_a_copy_that_is_not_the_vote_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="binary COPY"):
        parse_binary_copy(b"not a copy")
    header = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
    assert parse_binary_copy(header + b"\xff\xff").size == 0
    with pytest.raises(ValueError, match="unexpected size"):
        parse_binary_copy(header + b"\x00\x03" + bytes(10) + b"\xff\xff")


def test_many_ideas_take_the_iterative_path_to_the_same_axes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(5)
    votes = rng.choice([-1.0, 0.0, 1.0], size=(300, 60), p=[0.1, 0.8, 0.1])
    votes[:150, :30] = np.where(votes[:150, :30] != 0, 1.0, 0.0)  # a camp, for a clear axis
    centred = scipy.sparse.csr_matrix(votes - votes.mean(axis=0))
    exact = principal_axes(centred)
    monkeypatch.setattr("candour.analysis.groups.DENSE_AXES", 10)
    iterated = principal_axes(centred)
    assert np.allclose(exact, iterated, atol=1e-8)
