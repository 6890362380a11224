"""Fixtures of the server tests: a project folder for the save hook."""

from tests.support.snapshot_projects import project

__all__ = ["project"]
