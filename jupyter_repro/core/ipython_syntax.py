"""Turn IPython cell source into plain Python, without importing IPython.

Importing IPython costs about 150 ms, more than checking a whole notebook, so the
translation is done here by hand. It keeps line numbers (one output line per input line)
and keeps what matters for name analysis:

- line magics and `!` lines become expressions of the Python they expand (`{expr}`),
  `files = !ls` and `x = %sx ls` stay assignments;
- `%time` / `%timeit` / `%prun` line magics become the statement they run;
- cell magics whose body is Python (`%%time`, `%%capture`, `%%timeit`, `%%prun`) keep
  their body; cell magics whose body is not Python (`%%bash`, `%%writefile`, `%%html`)
  drop it;
- magics whose effect on the namespace cannot be seen (`%run`, `%load`, `%pylab`,
  `%store -r` of everything) mark the cell opaque, and any name read after them in the
  cell may be theirs (as after `from m import *`).

`$name` expansions are not read as uses: in shell lines they are mostly shell variables
(`!echo $HOME`), and IPython leaves an expansion that fails untouched.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

# Cell magics whose body runs as Python in the user namespace.
PYTHON_CELL_MAGICS = frozenset(
    {"time", "capture", "prun", "debug", "timeit", "snakeviz", "pyinstrument"}
)
# Cell magics whose body is not Python (or runs in another process).
OTHER_CELL_MAGICS = frozenset(
    {
        "bash",
        "sh",
        "script",
        "perl",
        "ruby",
        "python",
        "python2",
        "python3",
        "pypy",
        "zsh",
        "html",
        "HTML",
        "javascript",
        "js",
        "latex",
        "markdown",
        "svg",
        "writefile",
        "file",
        "sx",
        "system",
        "!",
        "sql",
        "R",
        "julia",
        "octave",
        "cmd",
        "powershell",
        "dot",
        "mermaid",
        "md",
        "text",
        "raw",
        "json",
        "yaml",
        "cython",
        "fortran",
        "SVG",
    }
)
# Line magics that never bind or read user names beyond their `{}` expansions.
KNOWN_LINE_MAGICS = frozenset(
    {
        "matplotlib",
        "pip",
        "conda",
        "mamba",
        "cd",
        "env",
        "set_env",
        "load_ext",
        "reload_ext",
        "unload_ext",
        "autoreload",
        "aimport",
        "config",
        "who",
        "whos",
        "who_ls",
        "pwd",
        "ls",
        "history",
        "hist",
        "precision",
        "xmode",
        "pdb",
        "debug",
        "reset",
        "reset_selective",
        "sx",
        "system",
        "bookmark",
        "alias",
        "unalias",
        "rehashx",
        "pprint",
        "automagic",
        "autocall",
        "colors",
        "dhist",
        "dirs",
        "doctest_mode",
        "magic",
        "lsmagic",
        "page",
        "pinfo",
        "pinfo2",
        "psearch",
        "pycat",
        "quickref",
        "save",
        "sc",
        "tb",
        "killbgscripts",
        "clear",
        "cat",
        "less",
        "more",
        "man",
        "mkdir",
        "rm",
        "rmdir",
        "cp",
        "mv",
        "ll",
        "lf",
        "lk",
        "lx",
        "ldir",
        "logstart",
        "logstop",
        "logon",
        "logoff",
        "logstate",
        "notebook",
        "recall",
        "rerun",
        "macro",
        "edit",
        "ed",
        "popd",
        "pushd",
        "code_wrap",
        "gui",
        "connect_info",
        "qtconsole",
        "time",
        "timeit",
        "prun",
        "store",
        "run",
        "load",
        "pylab",
        "sql",
        "capture",
        "writefile",
        "bash",
        "sh",
        "html",
        "javascript",
        "js",
        "latex",
        "markdown",
        "svg",
        "uv",
        "tensorboard",
        "watermark",
        "memit",
        "mprun",
        "lprun",
    }
)
# Line or cell magics that may bind names no static analysis can see.
OPAQUE_MAGICS = frozenset({"run", "load", "pylab", "macro", "rerun", "recall", "aimport"})
# Line magics whose argument is a Python statement run in the user namespace.
STATEMENT_MAGICS = frozenset({"time", "timeit", "prun", "debug", "memit", "lprun", "mprun"})
# Statement magics that run the statement in a function of their own: nothing is bound.
SCOPED_MAGICS = frozenset({"timeit", "memit"})

_MAGIC_HINT = re.compile(
    r"^[ \t]*(?:[%!?]|[^#\n]*=[ \t]*[!%][A-Za-z!]|[^#\n]*\?[ \t]*$)", re.MULTILINE
)
_ASSIGN = re.compile(r"^(?P<lhs>[A-Za-z_][\w\s,.()\[\]\"'*]*?)\s*=\s*(?P<kind>!|%)(?P<rest>.*)$")
_MAGIC_NAME = re.compile(r"^(?P<name>[\w.]+)\s*(?P<args>.*)$", re.DOTALL)
_HELP = re.compile(r"^(\?{1,2})?[\w.%*]+(\?{1,2})?$")
_OPTION_WITH_VALUE = {"timeit": "nrpt", "prun": "DTslr", "memit": "rti", "lprun": "fmDTr"}


@dataclass
class Translation:
    """Plain Python equivalent of a cell, line for line."""

    code: str
    magics_ok: bool = True
    opaque: bool = False
    # 1-based lines whose assignments run in a function of their own (%timeit): no bindings.
    scoped_lines: set[int] = field(default_factory=set)
    shell_lines: set[int] = field(default_factory=set)
    # 1-based lines after which any name may be bound (`%pylab`, `%run`): like `import *`.
    blind_lines: set[int] = field(default_factory=set)


def needs_translation(source: str) -> bool:
    """Cheap test: could the cell hold IPython-only syntax?"""
    return _MAGIC_HINT.search(source) is not None


def expansions(text: str) -> list[str]:
    """The Python expressions IPython would expand in a magic or shell line: `{expr}`."""
    found: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "{":
            if depth == 0:
                start = index + 1
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                inner = text[start:index]
                # `{{` is an escaped brace; `${VAR}` is a shell variable.
                if inner and not inner.startswith("{") and text[start - 2 : start - 1] != "$":
                    found.append(inner)
    result = []
    for expr in found:
        try:
            ast.parse(expr, mode="eval")
        except SyntaxError:
            continue
        result.append(expr)
    return result


def _expansion_expr(text: str) -> str:
    exprs = expansions(text)
    return f"({', '.join(exprs)},)" if exprs else "None"


def _is_expression(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def _strip_options(magic: str, args: str) -> str:
    """`%timeit -n 10 -r 3 f(x)` -> `f(x)`: drop leading options of a statement magic."""
    with_value = _OPTION_WITH_VALUE.get(magic, "")
    words = args.split(" ")
    while words and words[0].startswith("-") and len(words[0]) > 1:
        flag = words.pop(0)
        if flag[1:2] in with_value and len(flag) == 2 and words:
            words.pop(0)
    return " ".join(words).strip()


class _Translator:
    def __init__(self, result: Translation) -> None:
        self.result = result

    def line_magic(self, indent: str, lhs: str | None, body: str, lineno: int) -> str:
        match = _MAGIC_NAME.match(body)
        if match is None:
            self.result.magics_ok = False
            return f"{indent}{lhs} = None" if lhs else f"{indent}pass"
        name, args = match.group("name"), match.group("args")
        if name in OPAQUE_MAGICS:
            self.result.opaque = True
            self.result.blind_lines.add(lineno)
        elif name not in KNOWN_LINE_MAGICS:
            self.result.magics_ok = False
        if name == "store" and args.split()[:1] == ["-r"]:
            names = [w for w in args.split()[1:] if w.isidentifier()]
            if not names:
                self.result.opaque = True
                self.result.blind_lines.add(lineno)
                return f"{indent}pass"
            return f"{indent}{' = '.join(names)} = None"
        if name == "store":
            names = [w for w in args.split() if w.isidentifier()]
            return f"{indent}({', '.join(names)},)" if names else f"{indent}pass"
        statement = _strip_options(name, args) if name in STATEMENT_MAGICS else ""
        if statement and not lhs:
            if name in SCOPED_MAGICS:
                self.result.scoped_lines.add(lineno)
            return f"{indent}{statement}"
        if statement and lhs and _is_expression(statement):
            # `a = %time f(x)` binds the value; `r = %timeit -o f(x)` a timing of it:
            # either way `a` is bound and `f(x)` is read.
            return f"{indent}{lhs} = ({statement})"
        expr = _expansion_expr(args)
        return f"{indent}{lhs} = {expr}" if lhs else f"{indent}{expr}"

    def shell(self, indent: str, lhs: str | None, command: str, lineno: int) -> str:
        self.result.shell_lines.add(lineno)
        expr = _expansion_expr(command)
        return f"{indent}{lhs} = {expr}" if lhs else f"{indent}{expr}"

    def logical_line(self, line: str, lineno: int) -> str:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if not stripped or stripped.startswith("#"):
            return line
        if stripped.startswith("!"):
            return self.shell(indent, None, stripped.lstrip("!"), lineno)
        if stripped.startswith("%") and not stripped.startswith("%%"):
            return self.line_magic(indent, None, stripped[1:].lstrip("%"), lineno)
        assign = _ASSIGN.match(stripped)
        if assign is not None and not assign.group("lhs").rstrip().endswith(("=", "!", "<", ">")):
            lhs = assign.group("lhs").strip()
            if assign.group("kind") == "!":
                return self.shell(indent, lhs, assign.group("rest"), lineno)
            return self.line_magic(indent, lhs, assign.group("rest").lstrip("%"), lineno)
        if (stripped.endswith("?") or stripped.startswith("?")) and _HELP.match(stripped):
            return f"{indent}pass"
        return line


def _cell_magic(lines: list[str], first: int, result: Translation) -> list[str]:
    header = lines[first][2:]
    parts = header.split(None, 1)
    name = parts[0] if parts else ""
    args = parts[1] if len(parts) > 1 else ""
    out = [""] * (first + 1)
    expr = _expansion_expr(args)
    if expr != "None":
        out[first] = expr
    setup = _strip_options(name, args) if name == "timeit" else ""
    if setup:  # `%%timeit -n 3 data = make()`: setup run in the timing's own scope
        out[first] = setup
        result.scoped_lines.add(first + 1)
    body = lines[first + 1 :]
    if name in OPAQUE_MAGICS:
        result.opaque = True
    if name in PYTHON_CELL_MAGICS:
        inner = translate("\n".join(body))
        result.magics_ok &= inner.magics_ok
        result.opaque |= inner.opaque
        offset = first + 1
        result.shell_lines |= {n + offset for n in inner.shell_lines}
        result.scoped_lines |= {n + offset for n in inner.scoped_lines}
        result.blind_lines |= {n + offset for n in inner.blind_lines}
        if name == "timeit":
            result.scoped_lines |= set(range(offset + 1, offset + len(body) + 1))
        out.extend(inner.code.split("\n") if body else [])
        if name == "capture":
            target = [w for w in args.split() if not w.startswith("-")]
            if target and target[-1].isidentifier():
                out.append(f"{target[-1]} = None")
        return out
    if name not in OTHER_CELL_MAGICS:
        result.magics_ok = False
    # Script magics may keep their output: `%%bash --out result`.
    words = args.split()
    targets = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("--out", "--err", "--proc")]
    if targets:
        out[first] = "; ".join(f"{t} = None" for t in targets if t.isidentifier()) or out[first]
    out.extend("" for _ in body)
    return out


def translate(source: str) -> Translation:
    """Plain Python for a cell's IPython source. Never raises."""
    result = Translation(code=source)
    if not needs_translation(source):
        return result
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].startswith("%%"):
        result.code = "\n".join(_cell_magic(lines, first, result))
        return result
    translator = _Translator(result)
    out: list[str] = []
    quote: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if quote is None and not line.rstrip().endswith("\\"):
            out.append(translator.logical_line(line, index + 1))
        elif quote is None and line.lstrip().startswith(("%", "!")):
            # A magic continued with backslashes is one logical line: keep the line count.
            joined, extra = line.rstrip()[:-1], 0
            while index + extra + 1 < len(lines):
                extra += 1
                joined += " " + lines[index + extra].rstrip().removesuffix("\\")
                if not lines[index + extra].rstrip().endswith("\\"):
                    break
            out.append(translator.logical_line(joined, index + 1))
            out.extend("" for _ in range(extra))
            index += extra
        else:
            out.append(line)
        for delimiter in ('"""', "'''"):
            if (quote in (None, delimiter)) and line.count(delimiter) % 2 == 1:
                quote = None if quote == delimiter else delimiter
        index += 1
    result.code = "\n".join(out)
    return result
