"""Shared plumbing: settings, database, errors, security. Depends on no domain."""
