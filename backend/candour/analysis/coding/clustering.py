"""Candidate themes from text, offline: TF-IDF and k-means (scikit-learn).

Each post is a TF-IDF vector (words of two letters or more, English stop words out,
plurals folded, sublinear term frequency, unit length), so the Euclidean k-means that
scikit-learn runs is close to clustering by cosine similarity. The number of themes is the
analyst's, or the one with the best cosine silhouette between 2 and ``max_themes(n)``.
Everything is seeded (``RANDOM_STATE``): the same posts always give the same themes.

For each theme: its keywords are the strongest terms of its centre; its posts are ranked by
cosine similarity to the centre, and the best few are its quotes, each narrowed to the
sentence of the post's body that carries the most of the theme's weight.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

RANDOM_STATE = 0
MIN_POSTS = 6
KEYWORDS = 8
QUOTES = 3
MAX_QUOTE = 300
SILHOUETTE_SAMPLE = 2_000
_WORD = re.compile(r"\b[^\W\d_]{2,}\b")  # letters only, two or more
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def max_themes(posts: int) -> int:
    """At most 10 themes, and at least five posts per theme on average (on small, noisy
    sets the silhouette favours many tiny clusters)."""
    return max(2, min(10, posts // 5))


@dataclass(frozen=True)
class Member:
    index: int  # into the posts given
    score: float  # cosine similarity to the theme's centre
    quote: tuple[int, int] | None = None  # (start, end) in the body, for the best few


@dataclass(frozen=True)
class Theme:
    keywords: list[str]
    members: list[Member]  # best first


@dataclass(frozen=True)
class Themes:
    themes: list[Theme]  # largest first
    silhouette: float | None
    vocabulary: int
    left_out: int  # posts with no words once stop words are out


class TooLittleText(ValueError):
    """Too few posts, or no words left once stop words are out."""


# Words that end like plurals and are not.
_NOT_PLURAL = frozenset({"species", "series", "news", "means", "lens", "bus", "gas", "yes"})


def _singular(word: str) -> str:
    """Fold the plain English plurals, so "permits" counts as "permit", "queries" as
    "query" and "businesses" as "business" (a light touch: no stemmer, whose stems would
    read badly as keywords)."""
    if word in _NOT_PLURAL or len(word) <= 3:
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words_of(text: str) -> list[str]:
    """The terms of a text: words of two letters or more, lower case, English stop words
    out, plurals folded."""
    return [
        _singular(word) for word in _WORD.findall(text.lower()) if word not in ENGLISH_STOP_WORDS
    ]


def _vectorizer(posts: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=words_of,
        sublinear_tf=True,
        # On a large conversation a word used once is noise; on a small one it is evidence.
        min_df=2 if posts >= 50 else 1,
        max_df=0.8 if posts >= 20 else 1.0,
        max_features=20_000,
    )


def _kmeans(matrix: sparse.csr_matrix, k: int, restarts: int) -> KMeans:
    with warnings.catch_warnings():
        # Fewer distinct posts than k: k-means says so; the silhouette then ranks k low.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(n_clusters=k, n_init=restarts, random_state=RANDOM_STATE).fit(matrix)


def _choose_k(matrix: sparse.csr_matrix, distinct: int) -> tuple[int, float | None]:
    best: tuple[float, int] | None = None
    for k in range(2, min(max_themes(matrix.shape[0]), distinct - 1) + 1):
        labels = _kmeans(matrix, k, restarts=4).labels_
        if len(set(labels.tolist())) < 2:
            continue
        score = float(
            silhouette_score(
                matrix,
                labels,
                metric="cosine",
                sample_size=min(matrix.shape[0], SILHOUETTE_SAMPLE),
                random_state=RANDOM_STATE,
            )
        )
        if best is None or score > best[0] + 1e-12:
            best = (score, k)
    if best is None:
        return 2, None
    return best[1], best[0]


def _best_sentence(body: str, weights: dict[str, float]) -> tuple[int, int]:
    """The span of the body's sentence that carries most of the theme's weight."""
    best = (-1.0, 0, 0)
    for found in _SENTENCE.finditer(body):
        start, end = found.span()
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        terms = words_of(body[start:end])
        weight = sum(weights.get(t, 0.0) for t in set(terms))
        if weight > best[0]:
            best = (weight, start, end)
    _, start, end = best
    if end == 0:
        start, end = 0, len(body)
    if end - start > MAX_QUOTE:
        cut = body.rfind(" ", start, start + MAX_QUOTE)
        end = cut if cut > start else start + MAX_QUOTE
    return start, end


def suggest_themes(texts: list[str], bodies: list[str], themes: int | None) -> Themes:
    """Cluster ``texts`` (what is vectorised: an idea's title and body, a comment's body);
    quotes are spans of ``bodies``."""
    if len(texts) < MIN_POSTS:
        raise TooLittleText(f"at least {MIN_POSTS} posts are needed")
    vectorizer = _vectorizer(len(texts))
    try:
        matrix = vectorizer.fit_transform(texts).tocsr()
    except ValueError:
        raise TooLittleText("no words left once common words are set aside") from None
    words = np.array(vectorizer.get_feature_names_out())
    # A post with no word left ("Anything else?") belongs to no theme: it is left out.
    kept = np.flatnonzero(np.diff(matrix.indptr) > 0)
    matrix = matrix[kept]
    if len(kept) < MIN_POSTS:
        raise TooLittleText(f"at least {MIN_POSTS} posts with words of substance are needed")
    distinct = len({(tuple(r.indices), tuple(np.round(r.data, 9))) for r in matrix})
    if distinct < 3:
        raise TooLittleText("the posts are too alike to group")
    with threadpool_limits(limits=1, user_api="openmp"):
        if themes is None:
            k, silhouette = _choose_k(matrix, distinct)
        else:
            k, silhouette = min(themes, distinct - 1), None
        model = _kmeans(matrix, k, restarts=10)
    labels = model.labels_
    centres = model.cluster_centers_
    norms = np.linalg.norm(centres, axis=1)
    norms[norms == 0] = 1.0
    similarity = np.asarray(matrix @ (centres / norms[:, None]).T)
    found: list[Theme] = []
    for cluster in range(k):
        indices = np.flatnonzero(labels == cluster)
        if indices.size == 0:
            continue
        centre = centres[cluster]
        top = np.argsort(-centre, kind="stable")[:KEYWORDS]
        keywords = [str(words[t]) for t in top if centre[t] > 0]
        weights = {str(words[t]): float(centre[t]) for t in np.flatnonzero(centre)}
        ranked = sorted(indices.tolist(), key=lambda i: (-similarity[i, cluster], i))
        members = [
            Member(
                index=int(kept[i]),
                score=float(similarity[i, cluster]),
                quote=_best_sentence(bodies[kept[i]], weights) if n < QUOTES else None,
            )
            for n, i in enumerate(ranked)
        ]
        found.append(Theme(keywords=keywords, members=members))
    found.sort(key=lambda t: (-len(t.members), t.members[0].index))
    return Themes(
        themes=found,
        silhouette=silhouette,
        vocabulary=len(words),
        left_out=len(texts) - len(kept),
    )
