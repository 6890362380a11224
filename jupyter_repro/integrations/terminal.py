"""Running an installer so that it draws its own progress on our terminal.

uv (and pip) draw a progress bar only when their standard error is a terminal; a pipe
makes them quiet. On a terminal the installer gets a pseudo-terminal of the same size as
ours: everything it draws is passed through as it comes, and kept, as plain text, for
the error message if it fails.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

from jupyter_repro.core.terminal import terminal_text

if TYPE_CHECKING:  # imported where used: a progress bar needs only `is_tty`
    import subprocess


def is_tty() -> bool:
    """Standard error is a terminal that draws (progress bars are for people)."""
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


def run_drawing(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `command` with its standard error on a pseudo-terminal shown on ours; its
    standard output is discarded (a pipe nobody reads could fill and stall it)."""
    import subprocess

    try:
        import pty
    except ImportError:  # pragma: no cover - no pseudo-terminals (Windows)
        return _run_streaming(command)
    leader, follower = pty.openpty()
    _copy_window_size(sys.stderr.fileno(), follower)
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower
        )
    finally:
        os.close(follower)
    shown: list[bytes] = []
    try:
        while True:
            try:
                data = os.read(leader, 1 << 16)
            except OSError:  # EIO: the installer and its children closed the terminal
                break
            if not data:
                break
            shown.append(data)
            os.write(sys.stderr.fileno(), data)
    finally:
        os.close(leader)
    said = terminal_text(b"".join(shown).decode("utf-8", errors="replace"))
    return subprocess.CompletedProcess(command, process.wait(), "", said)


def _copy_window_size(source: int, target: int) -> None:
    """Give the pseudo-terminal our terminal's size, so a bar fits on one line."""
    with contextlib.suppress(ImportError, OSError):
        import fcntl
        import termios

        size = fcntl.ioctl(source, termios.TIOCGWINSZ, b"\0" * 8)
        fcntl.ioctl(target, termios.TIOCSWINSZ, size)


def _run_streaming(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Where there are no pseudo-terminals: the installer's lines, passed on as they come."""
    import subprocess

    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    assert process.stderr is not None
    for line in process.stderr:
        lines.append(line)
        sys.stderr.write(line)
    return subprocess.CompletedProcess(command, process.wait(), "", "".join(lines))
