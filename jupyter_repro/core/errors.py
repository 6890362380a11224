"""The one error hierarchy of jupyter-repro.

Expected outcomes (findings, verdicts, changed inputs) are data, never exceptions.
Exceptions are for what stops a command; each carries a message a user can act on
and the exit code the CLI maps it to.
"""

from __future__ import annotations


class ReproError(Exception):
    """Base of every error jupyter-repro raises on purpose."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ReproError):
    """The command line or configuration asks for something that cannot be done."""


class BadInputError(ReproError):
    """A file we were given cannot be read or is not what it claims to be."""

    @classmethod
    def unreadable(cls, path: object, reason: str) -> BadInputError:
        return cls(f"{path}: cannot read: {reason}")

    @classmethod
    def invalid(cls, path: object, reason: str) -> BadInputError:
        return cls(f"{path}: {reason}")


class ConfigError(UsageError):
    """The project's [tool.jupyter-repro] configuration is invalid."""


class NotBuiltError(UsageError):
    """A sub-command of the contract that this version does not provide yet."""


class ExecutionFailedError(ReproError):
    """The notebook raised while being executed headless."""

    exit_code = 3


class StoreError(ReproError):
    """The store lacks an object, or a lock or history entry points outside the project."""
