"""The moderation queue: posts waiting for a facilitator, with every reason they are there,
and the screening that puts new posts in it on arrival.

Below contributions (which screens each post as it is written) and above identity (which
says whether a post names someone on the staff list); the facilitators' work on the queue
lives in :mod:`candour.moderation`."""
