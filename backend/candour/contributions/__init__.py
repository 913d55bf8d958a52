"""Contributions: ideas, comments and the likes and dislikes on them.

Authors and voters appear here only as per-conversation pseudonyms (bytes), never as
accounts; no response carries even those.
"""
