"""Outgoing mail: a transactional outbox and the worker that delivers it.

Holds recipient addresses, so its table counts as personal data; only the identity
domain enqueues mail (other domains ask identity to reach a person).
"""
