"""Fixtures of the check tests: a project folder and check's JSON output."""

from tests.support.check_projects import check_json, project

__all__ = ["check_json", "project"]
