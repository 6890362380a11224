"""The walk behind `jupyter_repro.core.names`: Python scoping at notebook level, in order.

One pass over a cell's syntax tree collects its names (defined, used, deferred to function
bodies), its imports and aliases, and the string literals and calls other rules look at.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass

IPYTHON_NAMES = frozenset(
    {
        "In",
        "Out",
        "get_ipython",
        "exit",
        "quit",
        "display",
        "_",
        "__",
        "___",
        "_i",
        "_ii",
        "_iii",
        "_ih",
        "_oh",
        "_dh",
        "__session__",
        "__builtins__",
        "__name__",
        "__doc__",
        "__spec__",
        "__loader__",
        "__package__",
        "__builtin__",
        "_exit_code",
        "__vsc_ipynb_file__",
    }
)
BUILTIN_NAMES = frozenset(dir(builtins)) | IPYTHON_NAMES
_HISTORY_NAME = re.compile(r"^_i{0,3}\d+$")
_OPAQUE_CALLS = frozenset({"exec", "globals", "vars", "locals", "execfile"})
_COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})
# Fields holding no names: contexts and operators.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops", "conversion", "kind", "type_comment"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        fields = _CHILD_FIELDS[kind] = tuple(
            f for f in getattr(kind, "_fields", ()) if f not in _LEAF_FIELDS
        )
    return fields


@dataclass(frozen=True)
class StringLiteral:
    value: str
    line: int
    # Why the string is probably not a path: concatenated onto something, or an argument
    # of a string method (`s.startswith("/api")`), or a docstring.
    fragment: bool
    # Part of an argument of a call that takes a path (`open`, `read_csv`, `Path`...).
    path_argument: bool = False
    # The name the literal is assigned to (`DATA = "/srv/data"`), if any.
    assigned_to: str | None = None


@dataclass(frozen=True)
class Call:
    """A call whose callee is a dotted name: `np.random.rand(3)` -> ("np.random.rand", ...)."""

    name: str
    line: int
    nargs: int
    keywords: tuple[str, ...]
    # Arguments that are literal constants: `default_rng(42)` -> (42,), None when not literal.
    first_arg: object = None


def is_builtin(name: str) -> bool:
    return name in BUILTIN_NAMES or _HISTORY_NAME.match(name) is not None


def dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


_PATH_STARTS = frozenset("/~\\")
# Calls that take a path, by the last part of their name (`pd.read_csv`, `fig.savefig`).
PATH_FUNCTIONS = frozenset(
    {
        "open",
        "Path",
        "PurePath",
        "PosixPath",
        "WindowsPath",
        "listdir",
        "scandir",
        "walk",
        "glob",
        "iglob",
        "chdir",
        "makedirs",
        "mkdir",
        "remove",
        "unlink",
        "rmtree",
        "copy",
        "copy2",
        "copyfile",
        "copytree",
        "move",
        "rename",
        "savefig",
        "imread",
        "imsave",
        "imwrite",
        "load",
        "loadtxt",
        "genfromtxt",
        "fromfile",
        "save",
        "savez",
        "savez_compressed",
        "savetxt",
        "dump",
        "connect",
        "File",
        "ZipFile",
        "TarFile",
        "open_dataset",
        "open_mfdataset",
        "read_file",
        "load_workbook",
        "from_pretrained",
        "load_model",
        "save_model",
        "add_dll_directory",
    }
)
# Prefixes of the last part of the name: `read_csv`, `to_parquet`, `read_text`, `write_bytes`.
PATH_FUNCTION_PREFIXES = ("read_", "to_", "write_")
# Whole names: `os.path.join`, `sys.path.append`, `shutil.which` has no path argument.
PATH_MODULE_PREFIXES = ("os.path.", "sys.path.", "shutil.", "glob.", "pathlib.")


def takes_a_path(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return (
        last in PATH_FUNCTIONS
        or last.startswith(PATH_FUNCTION_PREFIXES)
        or name.startswith(PATH_MODULE_PREFIXES)
        or ".read." in name  # spark.read.csv(...), frame.write.parquet(...)
        or ".write." in name
    )


_STRING_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "replace",
        "split",
        "rsplit",
        "strip",
        "lstrip",
        "rstrip",
        "join",
        "find",
        "index",
        "count",
        "partition",
        "removeprefix",
        "removesuffix",
        "format",
        "sub",
        "match",
        "search",
        "compile",
        "fullmatch",
        "findall",
    }
)


class Analyzer:
    def __init__(self, scoped_lines: set[int], blind_lines: frozenset[int] = frozenset()) -> None:
        self.scoped_lines = scoped_lines
        # Lines after which any name may exist (`%pylab`, `%run`): star imports do the same.
        self.blind_lines = blind_lines
        self.blind = False
        self.bound: set[str] = set()
        # Names bound on scoped lines (`%%timeit` bodies): readable there, defined nowhere.
        self.scoped: set[str] = set()
        self.defines: set[str] = set()
        self.deleted: set[str] = set()  # module-level names the cell deletes and leaves unbound
        self.uses: set[str] = set()
        self.deferred: set[str] = set()
        self.imports: set[str] = set()
        # Imports inside `try:` whose handler catches ImportError: the cell runs without them.
        self.optional_depth = 0
        self.optional_imports: set[str] = set()
        self.required_imports: set[str] = set()
        self.opaque = False
        self.strings: list[StringLiteral] = []
        self.calls: list[Call] = []
        self.aliases: list[tuple[str, str]] = []
        self.fragments: set[int] = set()  # ids of string nodes that are not whole values
        self.path_arguments: set[int] = set()  # ids of string nodes inside a path argument
        self.assigned: dict[int, str] = {}  # id of a literal assigned to a name -> the name
        self.path_names: set[str] = set()  # names read inside arguments of path calls
        # `name = <expression>` at notebook level: the names the expression reads.
        self.name_sources: list[tuple[str, frozenset[str]]] = []
        self.reading: set[str] | None = None  # names read by the value being assigned

    # names -----------------------------------------------------------------------------
    def load(self, name: str, env: tuple[set[str], ...]) -> None:
        if name in self.bound or name in BUILTIN_NAMES or name in self.scoped or self.blind:
            return
        if env and any(name in scope for scope in env):
            return
        if not _HISTORY_NAME.match(name):
            self.uses.add(name)

    def bind(self, name: str, env: tuple[set[str], ...], line: int) -> None:
        # An `except ... as` scope holds only its own name: other bindings go through it.
        scopes = [scope for scope in env if type(scope) is not _HandlerScope] if env else env
        if scopes:
            scopes[-1].add(name)
        elif line in self.scoped_lines:
            self.scoped.add(name)
        else:
            self.bound.add(name)
            self.defines.add(name)
            self.deleted.discard(name)

    def target(self, node: ast.expr, env: tuple[set[str], ...]) -> None:
        if isinstance(node, ast.Name):
            self.bind(node.id, env, node.lineno)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.target(element, env)
        elif isinstance(node, ast.Starred):
            self.target(node.value, env)
        else:  # attribute or subscript: reads its base
            self.expr(node, env)

    # expressions -----------------------------------------------------------------------
    def expr(self, node: ast.AST, env: tuple[set[str], ...]) -> None:
        kind = type(node)
        if kind is ast.Name:
            name: ast.Name = node  # type: ignore[assignment]
            ctx = type(name.ctx)
            if ctx is ast.Load:
                if self.reading is not None:
                    self.reading.add(name.id)
                self.load(name.id, env)
            elif ctx is ast.Del:
                self.load(name.id, env)
                self.bound.discard(name.id)
                self.defines.discard(name.id)
                if not env:
                    self.deleted.add(name.id)
            else:
                self.bind(name.id, env, name.lineno)
            return
        if kind is ast.Constant:
            if isinstance(node.value, str):  # type: ignore[attr-defined]
                self.string(node)  # type: ignore[arg-type]
            return
        if kind is ast.Call:
            self.call(node, env)  # type: ignore[arg-type]
        elif kind is ast.BinOp:
            if type(node.op) in (ast.Add, ast.Mod):  # type: ignore[attr-defined]
                for side in (node.left, node.right):  # type: ignore[attr-defined]
                    if type(side) is ast.Constant:
                        self.fragments.add(id(side))
        elif kind is ast.NamedExpr:
            self.walrus(node, env)  # type: ignore[arg-type]
            return
        elif kind in _COMPREHENSIONS:
            self.comprehension(node, env)
            return
        elif kind is ast.Lambda:
            self.arguments_defaults(node.args, env)  # type: ignore[attr-defined]
            self.function_body(node)  # type: ignore[arg-type]
            return
        elif kind is ast.JoinedStr:
            self.fstring(node)  # type: ignore[arg-type]
        for field_name in _child_fields(kind):
            value = getattr(node, field_name, None)
            if type(value) is list:
                for item in value:
                    if item is not None:
                        self.expr(item, env)
            elif value is not None:
                self.expr(value, env)

    def walrus(self, node: ast.NamedExpr, env: tuple[set[str], ...]) -> None:
        self.expr(node.value, env)
        # A walrus in a comprehension binds in the enclosing scope.
        outer = tuple(scope for scope in env if not getattr(scope, "comprehension", False))
        self.bind(node.target.id, outer, node.lineno)

    def string(self, node: ast.Constant) -> None:
        fragment = id(node) in self.fragments
        value = str(node.value)
        # Only what could be a path is kept: most strings are not, and objects cost time.
        if value[:1] in _PATH_STARTS or value[1:2] == ":":
            self.strings.append(
                StringLiteral(
                    value,
                    node.lineno,
                    fragment,
                    id(node) in self.path_arguments,
                    self.assigned.get(id(node)),
                )
            )

    def fstring(self, node: ast.JoinedStr) -> None:
        # The pieces after a `{}` are fragments: `f"{root}/raw/x.csv"` is relative to root.
        self.fragments.update(id(piece) for piece in node.values[1:])
        head = node.values[0] if node.values else None
        if isinstance(head, ast.Constant) and isinstance(head.value, str) and len(node.values) > 1:
            self.fragments.add(id(head))
            # The literal head of an f-string is a whole value when it starts one.
            self.strings.append(
                StringLiteral(
                    head.value,
                    node.lineno,
                    False,
                    id(node) in self.path_arguments,
                    self.assigned.get(id(node)),
                )
            )

    def call(self, node: ast.Call, env: tuple[set[str], ...]) -> None:
        name = dotted(node.func)
        string_method = name is None or not name.startswith(PATH_MODULE_PREFIXES)
        if (
            string_method
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _STRING_METHODS
        ):
            for arg in node.args:
                if isinstance(arg, ast.Constant):
                    self.fragments.add(id(arg))
            if isinstance(node.func.value, ast.Constant):
                self.fragments.add(id(node.func.value))
        if name is None:
            return
        if takes_a_path(name):
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                for part in ast.walk(argument):
                    if isinstance(part, ast.Name):
                        self.path_names.add(part.id)
                    else:
                        self.path_arguments.add(id(part))
        if name in _OPAQUE_CALLS:
            self.opaque = True
        first = node.args[0] if node.args else None
        literal = first.value if isinstance(first, ast.Constant) else None
        dynamic_import = name in ("__import__", "importlib.import_module")
        if dynamic_import and isinstance(literal, str) and not literal.startswith("."):
            self.module_imported(literal.split(".", 1)[0])
        keywords = tuple(k.arg for k in node.keywords if k.arg)
        self.calls.append(Call(name, node.lineno, len(node.args), keywords, literal))

    def comprehension(self, node: ast.AST, env: tuple[set[str], ...]) -> None:
        generators: list[ast.comprehension] = node.generators  # type: ignore[attr-defined]
        self.expr(generators[0].iter, env)
        local = _ComprehensionScope()
        inner = (*env, local)
        for index, generator in enumerate(generators):
            if index:
                self.expr(generator.iter, inner)
            self.target(generator.target, inner)
            for condition in generator.ifs:
                self.expr(condition, inner)
        if isinstance(node, ast.DictComp):
            self.expr(node.key, inner)
            self.expr(node.value, inner)
        else:
            self.expr(node.elt, inner)  # type: ignore[attr-defined]

    def arguments_defaults(self, args: ast.arguments, env: tuple[set[str], ...]) -> None:
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.expr(default, env)

    def function_body(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        """Names a function reads from outside itself: read when it is called, not now."""
        bound: set[str] = set()
        loaded: list[str] = []
        declared_global: set[str] = set()
        self._docstring_is_fragment(node)
        arguments = node.args
        for argument in [
            *arguments.posonlyargs,
            *arguments.args,
            *arguments.kwonlyargs,
            arguments.vararg,
            arguments.kwarg,
        ]:
            if argument is not None:
                bound.add(argument.arg)
        body = node.body if isinstance(node.body, list) else [node.body]
        for child in (item for part in body for item in ast.walk(part)):
            if isinstance(child, ast.Name):
                (loaded.append if isinstance(child.ctx, ast.Load) else bound.add)(child.id)
            elif isinstance(child, ast.arg):
                bound.add(child.arg)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(child.name)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                self.import_names(child, ())
                bound.update((a.asname or a.name).split(".", 1)[0] for a in child.names)
            elif isinstance(child, ast.ExceptHandler) and child.name:
                bound.add(child.name)
            elif isinstance(child, ast.Global):
                declared_global.update(child.names)
            elif isinstance(child, ast.Call):
                self.call(child, ())
            elif isinstance(child, ast.Constant) and isinstance(child.value, str):
                self.string(child)
            elif isinstance(child, ast.BinOp) and isinstance(child.op, (ast.Add, ast.Mod)):
                for side in (child.left, child.right):
                    if isinstance(side, ast.Constant):
                        self.fragments.add(id(side))
            elif isinstance(child, (ast.MatchAs, ast.MatchStar)) and child.name:
                bound.add(child.name)
        for name in declared_global:
            self.defines.add(name)
        self.deferred.update(
            name
            for name in loaded
            if (name not in bound or name in declared_global) and not is_builtin(name)
        )

    def _docstring_is_fragment(self, node: ast.AST) -> None:
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            self.fragments.add(id(first.value))

    def module_imported(self, top: str) -> None:
        self.imports.add(top)
        (self.optional_imports if self.optional_depth else self.required_imports).add(top)

    def import_names(self, node: ast.Import | ast.ImportFrom, env: tuple[set[str], ...]) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".", 1)[0]
                self.module_imported(top)
                local = alias.asname or top
                self.aliases.append((local, alias.name if alias.asname else top))
                if env is not None:
                    self.bind(local, env, node.lineno)
            return
        module = node.module or ""
        if node.level == 0 and module:
            self.module_imported(module.split(".", 1)[0])
        for alias in node.names:
            if alias.name == "*":
                self.opaque = True
                self.blind = True
                continue
            local = alias.asname or alias.name
            if node.level == 0:
                self.aliases.append((local, f"{module}.{alias.name}"))
            self.bind(local, env, node.lineno)

    # statements ------------------------------------------------------------------------
    def statements(self, body: list[ast.stmt], env: tuple[set[str], ...]) -> None:
        for statement in body:
            self.statement(statement, env)
            if statement.lineno in self.blind_lines:
                self.blind = True

    def statement(self, node: ast.stmt, env: tuple[set[str], ...]) -> None:  # noqa: PLR0915
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                self.expr(decorator, env)
            self.arguments_defaults(node.args, env)
            self.function_body(node)
            self.bind(node.name, env, node.lineno)
        elif isinstance(node, ast.ClassDef):
            for item in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
                self.expr(item, env)
            self._docstring_is_fragment(node)
            self.statements(node.body, (*env, set()))
            self.bind(node.name, env, node.lineno)
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if names and isinstance(node.value, (ast.Constant, ast.JoinedStr)):
                self.assigned[id(node.value)] = names[-1]
            outer, self.reading = self.reading, set() if names else None
            self.expr(node.value, env)
            if self.reading:
                self.name_sources += [(name, frozenset(self.reading)) for name in names]
            self.reading = outer
            for target in node.targets:
                self.target(target, env)
        elif isinstance(node, ast.AugAssign):
            self.expr(node.value, env)
            if isinstance(node.target, ast.Name):
                self.load(node.target.id, env)
            self.target(node.target, env)
        elif isinstance(node, ast.AnnAssign):
            self.expr(node.annotation, env)
            if node.value is not None:
                self.expr(node.value, env)
                self.target(node.target, env)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expr(node.iter, env)
            self.target(node.target, env)
            self.statements(node.body, env)
            self.statements(node.orelse, env)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for with_item in node.items:
                self.expr(with_item.context_expr, env)
                if with_item.optional_vars is not None:
                    self.target(with_item.optional_vars, env)
            self.statements(node.body, env)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            optional = any(_catches_import_error(h.type) for h in node.handlers)
            self.optional_depth += optional
            self.statements(node.body, env)
            self.optional_depth -= optional
            for handler in node.handlers:
                if handler.type is not None:
                    self.expr(handler.type, env)
                self.handler(handler, env)
            self.statements(node.orelse, env)
            self.statements(node.finalbody, env)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.import_names(node, env)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            return
        elif type(node).__name__ == "TypeAlias":  # Python 3.12: the value is read lazily
            self.bind(node.name.id, env, node.lineno)  # type: ignore[attr-defined]
        elif isinstance(node, ast.Match):
            self.expr(node.subject, env)
            for case in node.cases:
                self.pattern(case.pattern, env)
                if case.guard is not None:
                    self.expr(case.guard, env)
                self.statements(case.body, env)
        else:  # if, while, expression, return, del, assert, raise...
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                self.fragments.add(id(node.value))  # a bare string: a comment, not a path
            for field_name in _child_fields(type(node)):
                value = getattr(node, field_name, None)
                for child in value if type(value) is list else (value,):
                    if isinstance(child, ast.stmt):
                        self.statement(child, env)
                    elif child is not None:
                        self.expr(child, env)

    def handler(self, handler: ast.ExceptHandler, env: tuple[set[str], ...]) -> None:
        # `except E as e` unbinds e at the end of the handler: it is never defined after.
        if handler.name is None:
            self.statements(handler.body, env)
            return
        self.statements(handler.body, (*env, _HandlerScope({handler.name})))

    def pattern(self, node: ast.pattern, env: tuple[set[str], ...]) -> None:
        for child in ast.walk(node):
            if isinstance(child, (ast.MatchAs, ast.MatchStar)) and child.name:
                self.bind(child.name, env, child.lineno)
            elif isinstance(child, ast.MatchMapping) and child.rest:
                self.bind(child.rest, env, child.lineno)
            elif isinstance(child, ast.MatchValue):
                self.expr(child.value, env)
            elif isinstance(child, ast.MatchClass):
                self.expr(child.cls, env)


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def _catches_import_error(kind: ast.expr | None) -> bool:
    """`except:`, `except ImportError`, `except (ModuleNotFoundError, OSError)`..."""
    if kind is None:
        return True
    kinds = kind.elts if isinstance(kind, ast.Tuple) else [kind]
    return any(dotted(k) in _IMPORT_ERRORS for k in kinds)


class _ComprehensionScope(set[str]):
    comprehension = True


class _HandlerScope(set[str]):
    """The name of `except ... as name`: it shadows, but bindings in the handler go outside."""
