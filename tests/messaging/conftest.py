from tests.moderation.conftest import desk  # noqa: F401  (the same facilitators' desk)
