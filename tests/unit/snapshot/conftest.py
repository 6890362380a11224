"""Fixtures of the snapshot tests: a project folder."""

from tests.support.snapshot_projects import project

__all__ = ["project"]
