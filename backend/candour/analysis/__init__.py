"""Analysis: what the facilitators learn from a conversation as a whole.

This slice holds the opinion groups (participants who vote alike, found as Pol.is finds
them, ``opinion.py`` and ``groups.py``) and the Pol.is interchange (import and export of
its open-data ``comments.csv`` and ``votes.csv``, ``interchange.py`` and ``polis_files.py``).
Nothing here identifies a participant: voters are dense numbers inside one computation and
never leave it; answers carry group sizes and per-idea counts only.
"""
