"""Conversations: the window, the introduction, and (later) sections and pages."""
