"""Fixtures of the run and verify tests: a project folder and the CLI in-process."""

from tests.support.run_projects import cli, project

__all__ = ["cli", "project"]
