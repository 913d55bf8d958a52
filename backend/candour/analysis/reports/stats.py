"""The rates the report derives from counts: agreement with its Wilson score interval,
and divisiveness. Vectorised over scopes with numpy; a scope without votes gets ``None``."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from candour.analysis.reports.figures import Z95

Floats = npt.NDArray[np.float64]


def wilson_interval(likes: Floats, dislikes: Floats, z: float = Z95) -> tuple[Floats, Floats]:
    """The Wilson score interval of likes / (likes + dislikes), per element; NaN where
    there are no votes. Unlike the normal approximation it stays within [0, 1] and is
    sensible for few votes and for ratios near 0 or 1."""
    n = likes + dislikes
    with np.errstate(divide="ignore", invalid="ignore"):
        p = likes / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def agreement(likes: Floats, dislikes: Floats) -> Floats:
    with np.errstate(divide="ignore", invalid="ignore"):
        return likes / (likes + dislikes)


def divisiveness(split: Floats, likes: Floats, dislikes: Floats) -> Floats:
    """Per scope, the vote-weighted mean over its posts of 1 - |L - D| / (L + D).

    For one post that is 2 min(L, D) / (L + D); weighted by L + D and summed it becomes
    2 * sum(min(L, D)) / sum(L + D), where ``split`` is sum(min(L, D)), which PostgreSQL
    adds up. 0: every post's voters agree among themselves; 1: every post splits evenly.
    A post with many votes weighs more than one with few, so one 1-1 post does not make a
    section look divided."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return 2 * split / (likes + dislikes)


def optional(values: Floats) -> list[float | None]:
    """NaN (no votes) as ``None``, rounded to four places for the page and the files."""
    return [None if np.isnan(v) else round(float(v), 4) for v in values]
