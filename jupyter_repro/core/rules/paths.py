"""`absolute-path`: paths outside the project, as string literals, in shell commands and
line magics (`!cp /srv/x.csv .`, `%cd /home/me`), or as reads the journal recorded.

A literal counts when it is used as a path: an argument of a call that takes one
(`open`, `pd.read_csv`, `Path`, `os.path.join`, `savefig`...), or assigned to a name that
such a call reads (`DATA = "/srv/data"` then `open(DATA + "/x.csv")`); and when it looks
like one: POSIX absolute (`/data/raw/x.csv`), home-relative (`~/data`), Windows
(`C:\\data`, `\\\\server\\share`). Not URLs, not `/dev/*`, not `/tmp/*` scratch files, not
system paths (`/etc/apt/...`, `/usr/...`: install steps), not fragments concatenated onto
something (`base + "/versions/v1/"`), not arguments of string methods
(`s.startswith("/usr")`), not docstrings, not patterns (`*`, `{}`, `<>`, `?`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.journal import CurrentCell, match_runs
from jupyter_repro.core.rules.evidence import Cell, Evidence, finding
from jupyter_repro.core.scope_walk import StringLiteral

_POSIX = re.compile(r"^/[^/\s*?{}<>|\"'\\:;,=()\[\]]+(?:/[^/*?{}<>|\"'\\:;=()\[\]\n]*)*$")
_HOME = re.compile(r"^~[\w.-]*/[^*?{}<>|\"'\n]+$")
_WINDOWS = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\[\w.-]+\\)[^*?{}<>|\"\n]+$")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
_SCRATCH = ("/dev/", "/tmp/", "/proc/", "/sys/")
_SYSTEM = (
    "/usr/",
    "/etc/",
    "/proc/",
    "/sys/",
    "/dev/",
    "/lib",
    "/bin/",
    "/opt/conda/",
    "/var/lib/",
    "/run/",
    "/snap/",
    "/nix/",
)


def looks_like_absolute_path(text: str, used_as_path: bool = False) -> bool:
    """`used_as_path`: the text is passed where a path goes, so `/data` is one too."""
    if len(text) > 4096 or "\n" in text or "://" in text:
        return False
    if _HOME.match(text) or _WINDOWS.match(text):
        return True
    if not _POSIX.match(text) or text.startswith(_SCRATCH) or text in ("/dev/null", "/tmp"):
        return False
    parts = [p for p in text.split("/") if p]
    return len(parts) >= (1 if used_as_path else 2) or bool(parts and _EXTENSION.search(parts[-1]))


_SHELL_CELLS = ("%%bash", "%%sh", "%%script", "%%system", "%%!", "%%zsh")
_COMMAND = re.compile(r"^\s*(?:[\w\s,.\[\]]*=\s*)?[!%](?!%)")


def shell_words(source: str) -> list[tuple[int, str]]:
    """(line, word) of shell commands and line magics: `!cp /data/x .`, `%cd /home/me`."""
    lines = source.split("\n")
    whole = source.lstrip().startswith(_SHELL_CELLS)
    words: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        if not whole and not _COMMAND.match(line):
            continue
        if whole and number == 1:
            continue
        try:
            parts = shlex.split(line, comments=True)
        except ValueError:
            parts = line.split()
        for part in parts:
            words.append((number, part.rpartition("=")[2] if part.startswith("-") else part))
    return words


def _path_names(code_cells: Sequence[Cell]) -> set[str]:
    """Names whose value reaches a call that takes a path, directly or through other names
    (`BASE` in `csv_file = f"{BASE}/raw.csv"` then `open(csv_file)`)."""
    found = {name for cell in code_cells for name in cell.scan.path_names}
    sources: dict[str, set[str]] = {}
    for cell in code_cells:
        for target, read in cell.scan.name_sources:
            sources.setdefault(target, set()).update(read)
    pending = list(found)
    while pending:
        for source in sources.get(pending.pop(), ()):
            if source not in found:
                found.add(source)
                pending.append(source)
    return found


def _unused_literal(literal: StringLiteral, path_names: set[str]) -> bool:
    """A literal that looks like an absolute path but is not passed where a path goes."""
    return (
        not (literal.path_argument or literal.assigned_to in path_names)
        and not literal.fragment
        and not literal.value.startswith(_SYSTEM)
        and looks_like_absolute_path(literal.value)
    )


def _used_literal(literal: StringLiteral, path_names: set[str]) -> bool:
    """A literal passed where a path goes, that is an absolute path of no system folder."""
    return (
        bool(literal.path_argument or literal.assigned_to in path_names)
        and not literal.fragment
        and not literal.value.startswith(_SYSTEM)
        and looks_like_absolute_path(literal.value, used_as_path=True)
    )


def literals_to_look_up(code_cells: Sequence[Cell], limit: int = 256) -> list[str]:
    """Literals that look like absolute paths without being used as one: each is an
    `absolute-path` only if it exists on this machine, which the caller looks up (at most
    `limit` of them: a notebook of a million strings costs no more than a normal one)."""
    path_names = _path_names(code_cells)
    found: dict[str, None] = {}
    for cell in code_cells:
        for literal in cell.scan.strings:
            if len(found) >= limit:
                return list(found)
            if _unused_literal(literal, path_names):
                found[literal.value] = None
    return list(found)


def _literal_findings(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    findings: list[Finding] = []
    path_names = _path_names(evidence.code_cells)
    for cell in evidence.code_cells:
        seen: set[str] = set()
        if "!" in cell.source or "%" in cell.source:
            for line, raw in shell_words(cell.source):
                word = raw.strip("'\"").rstrip(";")
                if word in seen or word.startswith(_SYSTEM):
                    continue
                if looks_like_absolute_path(word):
                    seen.add(word)
                    findings.append(
                        finding(
                            config,
                            "absolute-path",
                            cell.index,
                            f"line {line}: absolute path {word!r} in a shell command or magic "
                            "will not exist on another machine",
                        )
                    )
        for literal in cell.scan.strings:
            if literal.value in seen:
                continue
            if literal.value in evidence.paths_on_disk and _unused_literal(literal, path_names):
                why = "exists on this machine, and will not on another"
            elif _used_literal(literal, path_names):
                why = "will not exist on another machine"
            else:
                continue
            seen.add(literal.value)
            message = f"line {literal.line}: absolute path {literal.value!r} {why}"
            findings.append(finding(config, "absolute-path", cell.index, message))
    return findings


def _is_system(path: str, prefixes: Iterable[str]) -> bool:
    if path.startswith(_SYSTEM) or path.startswith("/tmp/"):
        return True
    if any(part.startswith(".") for part in path.split("/")[1:-1]):
        return True  # caches and configuration: ~/.cache, ~/.config, ~/.ipython
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes if p)


def _recorded_findings(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    journal = evidence.journal
    if journal is None:
        return []
    cells = [CurrentCell(c.index, c.source, c.cell_id) for c in evidence.code_cells]
    matched = match_runs(journal.runs, cells)
    prefixes = (*evidence.system_prefixes, journal.header.project_root)
    findings: list[Finding] = []
    seen: set[str] = set()
    for run in journal.runs:
        for access in run.reads:
            path = access.path
            is_absolute = path.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", path)
            if not is_absolute or path in seen or _is_system(path, prefixes):
                continue
            seen.add(path)
            cell = matched.get(run.seq)
            where = "" if cell is not None else " (by a cell that no longer exists)"
            findings.append(
                finding(
                    config,
                    "absolute-path",
                    cell,
                    f"read {path}, outside the project{where}: copy it into the project "
                    "or declare how to get it",
                )
            )
    return findings


def check_paths(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    if not evidence.is_python:
        return []
    return _literal_findings(evidence, config) + _recorded_findings(evidence, config)
