"""The anonymous relay: facilitators write to "the author of this post"; the author reads
and replies in an inbox. Threads carry the author's pseudonym only."""
