"""Fixtures of the pipeline tests: a project folder and the CLI in-process."""

from tests.support.pipeline_projects import cli, project

__all__ = ["cli", "project"]
