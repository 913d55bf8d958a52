"""Candour: anonymous online conversations for the staff of large organisations."""
