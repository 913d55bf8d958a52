"""The audit log: one append-only entry per facilitator decision, with the post before and
after. Written by moderation and by the message relay, read by facilitators and admins."""
