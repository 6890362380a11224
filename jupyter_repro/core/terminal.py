"""What a program drawing on a terminal said, as plain lines.

A progress bar redraws its line with carriage returns and colours it with escape
sequences; the text kept for an error message is what the terminal showed last on each
line, without the escapes.
"""

from __future__ import annotations

import re

# CSI sequences (colours, cursor moves, line erases), OSC sequences (titles, links) and
# the two-byte escapes; what a terminal interprets rather than shows.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


_ERASE_LINE = re.compile(r"\x1b\[[02]?K")


def terminal_text(raw: str) -> str:
    """The lines as a terminal last showed them: a carriage return writes over the line
    from its start, an erase clears it, and escapes are not shown."""
    lines = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        shown = ""
        for segment in line.split("\r"):
            erased = _ERASE_LINE.split(segment)
            if len(erased) > 1:  # after a carriage return, erasing clears the whole line
                shown = ""
            text = _ESCAPES.sub("", erased[-1])
            shown = text + shown[len(text) :]
        lines.append(shown)
    return "\n".join(lines)
