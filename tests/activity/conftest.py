from tests.contributions.conftest import Scene, scene

__all__ = ["Scene", "scene"]
