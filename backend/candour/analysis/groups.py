"""Opinion groups, computed as Pol.is computes them (``math/src/polismath/math/`` in
compdemocracy/polis: ``conversation.clj``, ``pca.clj``, ``clusters.clj``, ``repness.clj``).

Pure numpy and scikit-learn on the arrays of :mod:`candour.analysis.votes`; no database,
no Python object per vote. Deterministic: every random choice has a fixed seed. What comes
out holds group sizes and per-idea statistics only — which participant is in which group
never leaves :func:`opinion_groups`.

The steps, and where Pol.is does each:

1. The participant × idea matrix: like (agree) +1, dislike (disagree) -1, pass 0 kept as
   a value, no vote missing. Ideas that are not shown (hidden, removed, withdrawn, held)
   are left out of the matrix. Pol.is instead sets a moderated-out statement's column to 0
   for everyone (``zero-out-columns``): a constant column, which centring removes, so it
   moves neither the axes nor anyone's position — its one trace is in step 4, reproduced
   there.
2. Missing cells are filled with the idea's mean (``small-conv-update-graph`` ``:mat``);
   the matrix is centred on those means, so filled cells become 0.
3. PCA to two components (``powerit-pca``, by power iteration; here by the eigenvectors
   of the centred matrix's Gram matrix, exactly or by Lanczos iteration for many ideas).
4. Each participant is projected from the ideas they voted on and the projection is scaled
   by √(ideas ÷ their votes) (``sparsity-aware-project-ptpt``), so that sparse voters are
   not pulled to the centre. As in Pol.is, the ideas and votes counted there include the
   moderated-out columns that every participant "answered" with a 0.
5. Participants count once they voted on at least min(7, ideas) — votes on any idea that
   has votes, as ``user-vote-counts`` does — and, while fewer than 15 qualify, the most
   active voters are taken in (``in-conv``).
6. k-means into (up to) 100 base clusters, then the base clusters' centres, weighted by
   their sizes, into k groups for each k from 2 to min(5, 2 + base clusters ÷ 12), keeping
   the k with the best silhouette over the base clusters (``base-clusters``,
   ``group-clusterings``, ``max-k-fn``, ``silhouette``).
7. Per group and idea, the smoothed agree and disagree rates (A + 1) / (S + 2), their
   ratio to the rest of the groups, and the one- and two-proportion z-tests; an idea
   represents a group when both tests pass at 90% for agreeing or for disagreeing, the best
   five by Pol.is's metric, agreements first (``conv-repness``, ``select-rep-comments``).
8. Across groups: the group-informed consensus (the product of every group's smoothed
   agree rate, ``group-aware-consensus``) and divisiveness (the largest difference between
   two groups' smoothed agree rates).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from candour.analysis.votes import VoteArrays

SEED = 0
MIN_VOTES = 7
GREEDY_PARTICIPANTS = 15
BASE_CLUSTERS = 100
BASE_RUNS = 5  # k-means restarts for the base clusters: steadier groups than one run
GROUP_RUNS = 10
MAX_GROUPS = 5
Z_90 = 1.2816  # one-sided 90%: Pol.is's ``z-sig-90?``
TOP = 5
DENSE_AXES = 1_000  # ideas; past this the Gram matrix is not built (principal_axes)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class Representative:
    """Why an idea represents a group. ``idea`` indexes :attr:`Grouping.ideas`."""

    idea: int
    agree: bool  # the group stands out by agreeing (else by disagreeing)
    n_success: int  # the group's agrees (or disagrees)
    n_trials: int  # the group's votes on the idea, passes included
    p_success: float  # (n_success + 1) / (n_trials + 2)
    p_test: float  # z of p_success against one half
    repness: float  # p_success ÷ the same rate among the other groups
    repness_test: float  # z of the two-proportion test against the other groups
    significant: bool  # both tests pass at 90%; false only for a group's fallback


@dataclass(frozen=True, slots=True)
class Group:
    size: int
    representatives: list[Representative]


@dataclass(frozen=True, slots=True)
class Grouping:
    """The groups and what unites or divides them. Arrays indexed ``[group, idea]`` cover
    :attr:`ideas`, the analysed ideas (indexes into :attr:`VoteArrays.idea_ids`)."""

    ideas: IntArray
    ideas_left_out: int  # ideas with votes that are not shown
    participants: int  # everyone who voted on any idea
    grouped: int  # the participants the groups are made of
    votes: int  # on analysed ideas, passes included
    silhouette: float | None
    groups: list[Group] = field(default_factory=list)
    agrees: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    disagrees: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    seen: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    consensus: list[tuple[int, float]] = field(default_factory=list)
    divisive: list[tuple[int, float]] = field(default_factory=list)

    @property
    def agree_rates(self) -> FloatArray:
        """Each group's smoothed agree rate (A + 1) / (S + 2) per idea."""
        return (self.agrees + 1) / (self.seen + 2)


def prop_test(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """Pol.is's one-proportion z-test of the smoothed rate against one half."""
    return 2 * np.sqrt(trials + 1) * ((successes + 1) / (trials + 1) - 0.5)


def two_prop_test(
    succ_in: FloatArray, succ_out: FloatArray, pop_in: FloatArray, pop_out: FloatArray
) -> FloatArray:
    """Pol.is's two-proportion z-test (every count plus one), 0 where the pooled rate is 1."""
    s1, s2, n1, n2 = succ_in + 1, succ_out + 1, pop_in + 1, pop_out + 1
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / spread
    return np.where(pooled >= 1, 0.0, z)


def principal_axes(centred: scipy.sparse.csr_matrix) -> FloatArray:
    """The first two principal axes (rows) of an already centred matrix, each with its
    largest component positive so the answer does not depend on the solver's signs.

    Up to :data:`DENSE_AXES` ideas, exactly from the dense ideas × ideas Gram matrix; beyond,
    by Lanczos iteration on it as an operator (never built: 50,000 ideas would need 20 GB),
    from a fixed start, so the answer is the same every time."""
    ideas = centred.shape[1]
    wanted = min(2, ideas)
    if ideas <= DENSE_AXES:
        gram = np.asarray((centred.T @ centred).todense(), dtype=np.float64)
        _, vectors = scipy.linalg.eigh(gram, subset_by_index=[ideas - wanted, ideas - 1])
    else:
        transposed = centred.T.tocsr()
        gram_operator = scipy.sparse.linalg.LinearOperator(
            (ideas, ideas), matvec=lambda v: transposed @ (centred @ v), dtype=np.float64
        )
        values, vectors = scipy.sparse.linalg.eigsh(
            gram_operator, k=wanted, which="LA", v0=np.ones(ideas)
        )
        vectors = vectors[:, np.argsort(values)]
    axes = np.zeros((2, ideas))
    axes[:wanted] = vectors[:, ::-1].T
    for row in axes[:wanted]:
        if row[np.abs(row).argmax()] < 0:
            row *= -1
    return axes


def _participants_in(total_votes: IntArray, ideas: int) -> IntArray:
    """Who the groups are made of: at least min(7, ideas) votes, topped up by the most
    active voters while fewer than 15 qualify."""
    counted = total_votes >= min(MIN_VOTES, ideas)
    if counted.sum() < GREEDY_PARTICIPANTS:
        by_activity = np.argsort(-total_votes, kind="stable")
        missing = GREEDY_PARTICIPANTS - int(counted.sum())
        extra = [p for p in by_activity if not counted[p] and total_votes[p] > 0][:missing]
        counted[extra] = True
    return np.flatnonzero(counted)


def _cluster(points: FloatArray) -> tuple[IntArray, float | None] | None:
    """Base clusters, then groups of them chosen by silhouette; each point's group, or None
    when the points do not spread into two groups."""
    # k-means depends on the order of its points; take them in the order of their positions,
    # so the groups depend on the votes alone, not on how voters happen to be numbered
    # (rounded first: sums taken in another order differ in their last bits).
    points = np.round(points, 9)
    order = np.lexsort((points[:, 1], points[:, 0]))
    # Dozens of small k-means runs: OpenMP's threads cost more than they bring, many times
    # more on a busy machine (0.1 s alone, over 1 s beside other work, for the largest export).
    with threadpool_limits(limits=1, user_api="openmp"):
        found = _cluster_ordered(points[order])
    if found is None:
        return None
    labels, silhouette = found
    unordered = np.empty_like(labels)
    unordered[order] = labels
    return unordered, silhouette


def _cluster_ordered(points: FloatArray) -> tuple[IntArray, float | None] | None:
    distinct = len(np.unique(points, axis=0))
    if distinct < 2:
        return None
    base = KMeans(n_clusters=min(BASE_CLUSTERS, distinct), n_init=BASE_RUNS, random_state=SEED)
    base_labels = base.fit_predict(points)
    sizes = np.bincount(base_labels, minlength=base.n_clusters)
    used = np.flatnonzero(sizes)
    centres, weights = base.cluster_centers_[used], sizes[used]
    relabel = np.full(base.n_clusters, -1)
    relabel[used] = np.arange(len(used))
    base_labels = relabel[base_labels]
    if len(centres) == 2:
        return base_labels, None
    best: tuple[float, IntArray] | None = None
    for k in range(2, min(MAX_GROUPS, 2 + len(centres) // 12, len(centres) - 1) + 1):
        model = KMeans(n_clusters=k, n_init=GROUP_RUNS, random_state=SEED)
        labels = model.fit_predict(centres, sample_weight=weights)
        if len(np.unique(labels)) < 2:
            continue
        score = float(silhouette_score(centres, labels))
        if best is None or score > best[0]:
            best = (score, labels)
    if best is None:
        return None
    return best[1][base_labels], best[0]


def _representatives(
    agrees: FloatArray, disagrees: FloatArray, seen: FloatArray, group: int
) -> list[Representative]:
    """The ideas that set one group apart, as ``select-rep-comments`` picks them (without
    its extra "best agreed" pin): those significant at 90%, best five by repness × its test
    × the rate × its test, agreements first; failing any, the single best by the test."""
    na, nd, ns = agrees[group], disagrees[group], seen[group]
    na_rest = agrees.sum(axis=0) - na
    nd_rest = disagrees.sum(axis=0) - nd
    ns_rest = seen.sum(axis=0) - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    pat, pdt = prop_test(na, ns), prop_test(nd, ns)
    ra = pa / ((na_rest + 1) / (ns_rest + 2))
    rd = pd / ((nd_rest + 1) / (ns_rest + 2))
    rat, rdt = two_prop_test(na, na_rest, ns, ns_rest), two_prop_test(nd, nd_rest, ns, ns_rest)
    agree = rat > rdt
    chosen = {
        "n_success": np.where(agree, na, nd),
        "p_success": np.where(agree, pa, pd),
        "p_test": np.where(agree, pat, pdt),
        "repness": np.where(agree, ra, rd),
        "repness_test": np.where(agree, rat, rdt),
    }
    sufficient = ((rat > Z_90) & (pat > Z_90)) | ((rdt > Z_90) & (pdt > Z_90))
    metric = chosen["repness"] * chosen["repness_test"] * chosen["p_success"] * chosen["p_test"]
    candidates = np.flatnonzero(sufficient & (ns > 0))
    if candidates.size:
        picked = candidates[np.argsort(-metric[candidates], kind="stable")][:TOP]
        picked = np.concatenate([picked[agree[picked]], picked[~agree[picked]]])
    else:
        voted = np.flatnonzero(ns > 0)
        if not voted.size:
            return []
        picked = voted[[np.argmax(np.maximum(rat, rdt)[voted])]]
    return [
        Representative(
            idea=int(i),
            agree=bool(agree[i]),
            n_success=int(chosen["n_success"][i]),
            n_trials=int(ns[i]),
            p_success=float(chosen["p_success"][i]),
            p_test=float(chosen["p_test"][i]),
            repness=float(chosen["repness"][i]),
            repness_test=float(chosen["repness_test"][i]),
            significant=bool(sufficient[i]),
        )
        for i in picked
    ]


def _top(scores: FloatArray, eligible: npt.NDArray[np.bool_]) -> list[tuple[int, float]]:
    order = np.argsort(-scores, kind="stable")
    return [(int(i), float(scores[i])) for i in order if eligible[i]][:TOP]


def opinion_groups(votes: VoteArrays) -> Grouping:
    """The opinion groups of one conversation's votes (see the module's steps)."""
    return group_participants(votes)[0]


def group_participants(votes: VoteArrays) -> tuple[Grouping, IntArray]:
    """:func:`opinion_groups`, and each voter's group (-1: not grouped) by voter number.

    The second part is for tests and benchmarks that compare the groups with another
    tool's; no answer of the API carries it."""
    ideas = np.flatnonzero(votes.shown)
    column = np.full(len(votes.idea_ids), -1)
    column[ideas] = np.arange(len(ideas))
    left_out = len(votes.idea_ids) - len(ideas)
    total_votes = np.bincount(votes.voter, minlength=votes.voters)
    analysed = votes.shown[votes.idea]
    voter, idea = votes.voter[analysed], column[votes.idea[analysed]]
    value = votes.value[analysed].astype(np.float64)
    nothing = Grouping(
        ideas=ideas,
        ideas_left_out=left_out,
        participants=votes.voters,
        grouped=0,
        votes=int(analysed.sum()),
        silhouette=None,
    )
    group_of = np.full(votes.voters, -1)
    if not len(ideas) or votes.voters < 2:
        return nothing, group_of

    # 1–2: the centred matrix, missing cells filled with (so, once centred, equal to 0) the
    # idea's mean: only the votes themselves are stored.
    counts = np.bincount(idea, minlength=len(ideas))
    means = np.bincount(idea, weights=value, minlength=len(ideas)) / counts
    centred = scipy.sparse.csr_matrix(
        (value - means[idea], (voter, idea)), shape=(votes.voters, len(ideas))
    )
    # 3–4: PCA, and the sparsity-aware projection with Pol.is's zeroed-out columns.
    axes = principal_axes(centred)
    answered = np.bincount(voter, minlength=votes.voters) + left_out
    scale = np.sqrt((len(ideas) + left_out) / np.maximum(answered, 1))
    projection = np.asarray(centred @ axes.T) * scale[:, None]

    # 5–6: who counts, and the groups.
    members = _participants_in(total_votes, len(ideas) + left_out)
    clustered = _cluster(projection[members])
    if clustered is None:
        return nothing, group_of
    labels, silhouette = clustered
    sizes = np.bincount(labels)
    # Groups in order of size (then of first appearance), so labels are stable.
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    group_of[members] = rank[labels]
    k = len(order)

    # 7: per group and idea, agrees, disagrees and votes seen (passes count as seen).
    in_group = group_of[voter] >= 0
    cell = group_of[voter[in_group]] * len(ideas) + idea[in_group]
    grouped_values = value[in_group]
    shape = (k, len(ideas))
    cells = k * len(ideas)
    agrees = np.bincount(cell, grouped_values == 1, cells).astype(np.float64).reshape(shape)
    disagrees = np.bincount(cell, grouped_values == -1, cells).astype(np.float64).reshape(shape)
    seen = np.bincount(cell, minlength=cells).astype(np.float64).reshape(shape)
    groups = [
        Group(
            size=int(sizes[order[g]]), representatives=_representatives(agrees, disagrees, seen, g)
        )
        for g in range(k)
    ]

    # 8: consensus and division across the groups.
    rates = (agrees + 1) / (seen + 2)
    voted = seen.sum(axis=0) > 0
    grouping = Grouping(
        ideas=ideas,
        ideas_left_out=left_out,
        participants=votes.voters,
        grouped=len(members),
        votes=int(analysed.sum()),
        silhouette=silhouette,
        groups=groups,
        agrees=agrees.astype(np.int64),
        disagrees=disagrees.astype(np.int64),
        seen=seen.astype(np.int64),
        consensus=_top(rates.prod(axis=0), voted),
        divisive=_top(rates.max(axis=0) - rates.min(axis=0), voted),
    )
    return grouping, group_of
