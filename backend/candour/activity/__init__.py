"""Activity: how a conversation is going, for the people who run it, and the live feed that
lets every open page learn that ideas or counts changed without reloading.

Counts only, never per person: participation per day and per section (visits, posters,
posts, votes), and change notices that name sections, never posts, authors or times.
"""
