"""Moderation: reports, the queue, facilitator actions with their audit log, and paper
submissions. Authors stay pseudonyms; facilitators act in their own name."""
