"""`jupyter-repro check PATH...`: reproducibility findings without running anything.

Exit codes: 0 clean; 1 when a finding fails the gate; 2 when a notebook could not be
read (the others are still checked and reported). Which findings fail the gate depends
on the notebook's `enforce` setting:

    off     nothing fails: findings are reported only
    warn    findings of severity "error" fail (the default)
    strict  every finding fails, warnings included
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from jupyter_repro.core.errors import UsageError
from jupyter_repro.core.findings import CELL_NUMBERING, RULES, Finding, cell_label
from jupyter_repro.io.inspection import NotebookReport, inspect_many
from jupyter_repro.io.project import real_path, walk_project

HELP = "find reproducibility problems without running anything"
FORMATS = ("text", "json", "github")

_SCRIPT_MARKERS = ("# %%", "jupytext:", "# +\n", "# In[")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "Exit 0 when clean, 1 when a finding fails the gate, 2 when a notebook cannot be read. "
        "The gate is the notebook's `enforce` setting: off (nothing fails), warn (errors fail; "
        "the default) or strict (warnings fail too). Suppress a rule in one cell with the tag "
        "repro-ignore:RULE or a `# repro: ignore[RULE]` comment."
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="notebooks, paired scripts or folders (default: .)"
    )
    parser.add_argument(
        "--staged", action="store_true", help="check the notebooks and paired scripts staged in git"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="processes for many notebooks (default: one per core)",
    )


def _git(args: Sequence[str], cwd: Path, stdin: str | None = None) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    # check-ignore exits 1 when nothing is ignored: that is an answer too.
    return done.stdout if done.returncode in (0, 1) else None


def _walk(folder: Path) -> list[Path]:
    found = [p for p in walk_project(folder, suffix=".ipynb") if p.suffix == ".ipynb"]
    if not found:
        return found
    # Absolute paths: git resolves relative ones against its own working directory.
    absolute = [os.path.abspath(p) for p in found]
    ignored = _git(["check-ignore", "--stdin", "-z"], folder, "\0".join(absolute) + "\0")
    if ignored:
        skip = {p for p in ignored.split("\0") if p}
        found = [p for p, a in zip(found, absolute, strict=True) if a not in skip]
    return found


def _is_notebook_script(path: Path) -> bool:
    """A `.py` is checked when it is a paired script: a notebook beside it, or cell markers."""
    if path.with_suffix(".ipynb").is_file():
        return True
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError:
        return True  # let the inspector report why it cannot be read
    return any(marker in head for marker in _SCRIPT_MARKERS)


def _staged(cwd: Path) -> list[Path]:
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    listing = _git(["diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z"], cwd)
    if top is None or listing is None or not top.strip():
        raise UsageError("--staged needs a git repository")
    root = Path(top.strip())
    return [root / name for name in listing.split("\0") if name.endswith((".ipynb", ".py"))]


def targets(paths: Sequence[str], staged: bool, cwd: Path) -> list[Path]:
    """Notebooks and paired scripts to check, each notebook once."""
    chosen: list[Path] = _staged(cwd) if staged else []
    for raw in paths or ([] if staged else ["."]):
        path = Path(raw)
        chosen.extend(_walk(path) if path.is_dir() else [path])
    seen: set[Path] = set()
    result: list[Path] = []
    for given in chosen:
        path = given
        if given.suffix == ".py":
            if not _is_notebook_script(given):
                continue
            if given.with_suffix(".ipynb").is_file():
                path = given.with_suffix(".ipynb")  # a paired script stands for its notebook
        key = real_path(path)
        if key not in seen:
            seen.add(key)
            result.append(path)
    return result


def _shown(path: Path, cwd: Path) -> str:
    try:
        return real_path(path).relative_to(real_path(cwd)).as_posix()
    except ValueError:
        return str(path)


def _where(report: NotebookReport, item: Finding) -> str:
    return report.path if item.cell is None else f"{report.path}:{cell_label(item.cell)}"


def render_text(reports: Sequence[NotebookReport]) -> str:
    lines: list[str] = []
    counts = {"error": 0, "warning": 0}
    for report in reports:
        for item in report.findings:
            counts[item.severity] += 1
            lines.append(f"{_where(report, item)}: {item.severity} [{item.rule}] {item.message}")
            lines.append(f"    fix: {RULES[item.rule][1]}")
    unreadable = sum(1 for r in reports if r.error)
    summary = (
        f"{len(reports)} notebook{'s' if len(reports) != 1 else ''} checked: "
        f"{counts['error']} error{'s' if counts['error'] != 1 else ''}, "
        f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}"
    )
    if unreadable:
        summary += f", {unreadable} unreadable"
    lines.append(summary)
    if any(f.cell is not None for report in reports for f in report.findings):
        lines.append(CELL_NUMBERING)
    return "\n".join(lines) + "\n"


def render_json(reports: Sequence[NotebookReport]) -> str:
    notebooks = []
    for report in reports:
        entry: dict[str, object] = {
            "path": report.path,
            "findings": [f.to_json() for f in report.findings],
        }
        if report.error:
            entry["error"] = report.error
        notebooks.append(entry)
    return json.dumps({"notebooks": notebooks}, indent=2) + "\n"


def _escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def render_github(reports: Sequence[NotebookReport]) -> str:
    """GitHub Actions workflow commands: each finding annotates its notebook in the PR."""
    lines = []
    for report in reports:
        file = _escape(report.path, property_value=True)
        if report.error:
            lines.append(f"::error file={file},title=unreadable::{_escape(report.error)}")
        for item in report.findings:
            where = "" if item.cell is None else f"{cell_label(item.cell)}: "
            message = _escape(f"{where}{item.message} (fix: {RULES[item.rule][1]})")
            lines.append(f"::{item.severity} file={file},title={item.rule}::{message}")
    return "\n".join(lines) + ("\n" if lines else "")


def exit_code(reports: Iterable[NotebookReport]) -> int:
    reports = list(reports)
    if any(r.error for r in reports):
        return 2
    return 1 if any(r.failing() for r in reports) else 0


def run(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    chosen = targets(args.paths, args.staged, cwd)
    reports = inspect_many([(path, _shown(path, cwd)) for path in chosen], jobs=args.jobs)
    renderer = {"json": render_json, "github": render_github}.get(args.format, render_text)
    sys.stdout.write(renderer(reports))
    for report in reports:
        if report.error and args.format == "text":
            sys.stderr.write(f"jupyter-repro check: {report.error}\n")
        for note in report.notes:
            sys.stderr.write(f"jupyter-repro check: {report.path}: {note}\n")
    return exit_code(reports)
