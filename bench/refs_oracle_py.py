"""The Python oracle of bench/refs_oracle.py: which definition each name use in
a tree's Python files names, decided with ``ast`` and import resolution.

It resolves what is statically obvious and has no opinion on the rest: imports
(absolute, relative, ``import a.b as z``, re-exports through ``__init__``,
star imports) to module-level functions, classes and assigned names of the
tree's modules; ``mod.f``, ``Class.method`` and ``self.method`` (a method of
the enclosing class); uses of a module's own definitions. A name bound to a
module outside the tree, a builtin or a function's local variable is an
opinion too: it names no symbol of the tree.

Positions follow symidx's: line 1-based, column 0-based in characters.
"""
from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# A definition: (file, first line incl. decorators, line of the def/class/name).
Def = tuple[str, int, int]
# What a name or attribute denotes: a Def, a module of the tree (its file),
# OUTSIDE or LOCAL (no symbol of the tree), or None (the oracle cannot tell).
OUTSIDE = "<outside>"
# A local variable or a builtin: names no symbol of the tree, but its attributes
# are anything (unlike an outside module's, which are outside too).
LOCAL = "<local>"
_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__path__"}
_MAX_HOPS = 8


@dataclass(frozen=True)
class ModuleT:
    path: str  # the module's file, relative to the tree


Target = Def | ModuleT | str | None


@dataclass
class Opinion:
    """What the oracle says about one position: ``targets`` empty = no symbol of the tree."""

    name: str
    kind: str  # import; name, attr (`m.f`, `C.f`), self (`self.f`); + "-call" when called
    targets: tuple[Def, ...]


@dataclass
class _Module:
    path: str
    tree: ast.Module
    lines: list[bytes]
    bindings: dict[str, list[ast.AST]] = field(default_factory=dict)
    classes: dict[str, dict[str, Def]] = field(default_factory=dict)  # class -> method -> def
    stars: list[ast.ImportFrom] = field(default_factory=list)


def _span(path: str, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Def:
    return (path, min([d.lineno for d in node.decorator_list] + [node.lineno]), node.lineno)


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at module level: into if/try/with blocks, not into defs."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for block in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(stmt, block, []))
            for handler in getattr(stmt, "handlers", []):
                yield from _module_level(handler.body)


def _stored_names(target: ast.AST) -> Iterator[ast.Name]:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node


class PythonOracle:
    """The oracle over ``files`` (paths relative to ``root``, POSIX)."""

    def __init__(self, root: Path, files: list[str]) -> None:
        self.root = root
        self.files = set(files)
        self.modules: dict[str, _Module | None] = {}
        self._parents: dict[int, ast.stmt] = {}  # id(alias) -> its import statement
        self.roots = self._roots()

    # ------------------------------------------------------------ modules

    def _roots(self) -> list[str]:
        """Directories imports start from: the parents of top-level packages and
        the directories holding a distribution's single-file modules."""
        roots: set[str] = set()
        for f in self.files:
            p = PurePosixPath(f).parent
            while p.as_posix() != "." and f"{p}/__init__.py" in self.files:
                p = p.parent
            if p != PurePosixPath(f).parent or p.name == "src" or any(
                    (self.root / p / m).exists() for m in ("setup.py", "pyproject.toml")):
                roots.add(p.as_posix())
        return sorted(roots)

    def module(self, path: str) -> _Module | None:
        if path not in self.modules:
            self.modules[path] = self._load(path)
        return self.modules[path]

    def _load(self, path: str) -> _Module | None:
        data = (self.root / path).read_bytes()
        try:
            tree = ast.parse(data, filename=path)
        except (SyntaxError, ValueError):
            return None
        mod = _Module(path, tree, data.splitlines())
        for stmt in _module_level(tree.body):
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                mod.bindings.setdefault(stmt.name, []).append(stmt)
                if isinstance(stmt, ast.ClassDef):
                    mod.classes[stmt.name] = {m.name: _span(path, m) for m in stmt.body
                                              if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:
                    if alias.name == "*":
                        mod.stars.append(stmt)  # type: ignore[arg-type]
                    else:
                        bound = alias.asname or alias.name.split(".")[0]
                        mod.bindings.setdefault(bound, []).append(alias)
                        self._parents[id(alias)] = stmt
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for name in (n for t in targets for n in _stored_names(t)):
                    mod.bindings.setdefault(name.id, []).append(name)
        return mod

    def find_module(self, dotted: str, importer: str) -> str | None:
        """The file of module ``dotted`` as ``importer`` sees it: a path, OUTSIDE
        when no module of the tree has its top-level name, None when unclear."""
        rel = dotted.replace(".", "/")
        here = PurePosixPath(importer).parent.as_posix()
        # A script's own directory is on sys.path; a package module's is not (no implicit relative imports).
        script = f"{here}/__init__.py" not in self.files and here not in self.roots
        found: list[str] = []
        for root in [*self.roots, here] if script else self.roots:
            base = "" if root == "." else root + "/"
            found += [c for c in (f"{base}{rel}.py", f"{base}{rel}/__init__.py") if c in self.files]
        if not found:
            top = dotted.split(".")[0]
            # Known to the tree (a missing submodule, a sibling run as a script): unclear.
            seen = any(f"{'' if r == '.' else r + '/'}{top}{s}" in self.files
                       for r in [*self.roots, here] for s in (".py", "/__init__.py"))
            return None if seen else OUTSIDE
        found = sorted(set(found), key=lambda c: -len(_common(c, importer)))
        if len(found) > 1 and len(_common(found[0], importer)) == len(_common(found[1], importer)):
            return None
        return found[0]

    def relative_base(self, importer: str, level: int) -> str:
        base = PurePosixPath(importer).parent
        for _ in range(level - 1):
            base = base.parent
        return base.as_posix()

    def import_from(self, stmt: ast.ImportFrom, importer: str) -> str | None:
        """The file ``from M import ...`` reads M from, OUTSIDE, or None if unclear."""
        if stmt.level:
            base = self.relative_base(importer, stmt.level)
            rel = (stmt.module or "").replace(".", "/")
            stem = f"{base}/{rel}" if rel else base
            stem = stem.removeprefix("./")
            for c in (f"{stem}.py", f"{stem}/__init__.py"):
                if c in self.files:
                    return c
            return None
        return self.find_module(stmt.module or "", importer)

    # ------------------------------------------------------------ names

    def member(self, path: str, name: str, hops: int = 0) -> Target:
        """What ``name`` denotes in module ``path`` (module attribute or ``from path import name``)."""
        mod = self.module(path)
        if mod is None or hops > _MAX_HOPS:
            return None
        if name in mod.bindings:
            return self.binding(mod, name, hops)
        sub = path.removesuffix("__init__.py") + name
        if path.endswith("__init__.py"):
            for c in (f"{sub}.py", f"{sub}/__init__.py"):
                if c in self.files:
                    return ModuleT(c)
        for stmt in mod.stars:
            source = self.import_from(stmt, path)
            found = self.member(source, name, hops + 1) if source not in (None, OUTSIDE) else None
            if found is not None:
                return found
        return None

    def binding(self, mod: _Module, name: str, hops: int) -> Target:
        """A module-level name: one meaning, or None when its bindings disagree."""
        meanings = {self._meaning(mod, node, hops) for node in mod.bindings[name]}
        if len(meanings) == 1:
            return meanings.pop()
        defs = {m for m in meanings if isinstance(m, tuple)}
        # `x = ...` then `x = ...` again: the first assignment is where symidx and readers look.
        return min(defs) if defs and all(isinstance(m, tuple) and m[0] == mod.path for m in meanings) else None

    def _meaning(self, mod: _Module, node: ast.AST, hops: int) -> Target:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return _span(mod.path, node)
        if isinstance(node, ast.Name):
            return (mod.path, node.lineno, node.lineno)
        assert isinstance(node, ast.alias)
        return self.alias_target(self._parents[id(node)], node, mod.path, hops, bound=True)

    def alias_target(self, stmt: ast.stmt, alias: ast.alias, importer: str, hops: int, bound: bool) -> Target:
        """What an import's name denotes; ``bound``: what the local name binds
        (``import a.b`` binds ``a``), else what the imported name is."""
        if isinstance(stmt, ast.Import):
            dotted = alias.name if alias.asname or not bound else alias.name.split(".")[0]
            found = self.find_module(dotted, importer)
            return ModuleT(found) if isinstance(found, str) and found != OUTSIDE else found
        assert isinstance(stmt, ast.ImportFrom)
        source = self.import_from(stmt, importer)
        if source is None or source == OUTSIDE:
            return source
        return self.member(source, alias.name, hops + 1)

    def attribute(self, base: Target, name: str) -> Target:
        if base == OUTSIDE:
            return OUTSIDE
        if isinstance(base, ModuleT):
            return self.member(base.path, name)
        if isinstance(base, tuple):
            mod = self.module(base[0])
            for cls, methods in (mod.classes.items() if mod else []):
                if name in methods and mod is not None and self._is_class(mod, cls, base):
                    return methods[name]
        return None

    def _is_class(self, mod: _Module, cls: str, d: Def) -> bool:
        return any(isinstance(n, ast.ClassDef) and _span(mod.path, n) == d for n in mod.bindings.get(cls, []))

    def opinions(self, path: str) -> dict[tuple[str, int, int], Opinion]:
        """Every position of ``path`` the oracle has an opinion on."""
        mod = self.module(path)
        if mod is None:
            return {}
        walker = _Walker(self, mod)
        walker.visit(mod.tree)
        return walker.found


def _common(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y:
            break
        n += len(x) + 1
    return a[:n]


def _function_locals(fn: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> tuple[set[str], set[str]]:
    """Names a function binds locally (parameters, assignments, imports, nested
    defs), and which of them are nested defs (symbols of their own, maybe)."""
    args = fn.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    declared: set[str] = set()
    nested: set[str] = set()
    todo: list[ast.AST] = list(fn.body) if isinstance(fn.body, list) else [fn.body]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            nested.add(node.name)
            todo.extend(node.decorator_list)
            continue  # their bodies are their own scopes
        elif isinstance(node, ast.Lambda):
            continue
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            names.add(node.name)
        todo.extend(ast.iter_child_nodes(node))
    return (names | nested) - declared, nested - declared


@dataclass
class _Scope:
    kind: str  # module, function, class
    local: set[str]
    imports: dict[str, Target] = field(default_factory=dict)
    cls: str | None = None  # function scopes: the class it is a method of
    self_name: str | None = None


class _Walker(ast.NodeVisitor):
    def __init__(self, oracle: PythonOracle, mod: _Module) -> None:
        self.o, self.mod = oracle, mod
        self.found: dict[tuple[str, int, int], Opinion] = {}
        self.called: set[int] = set()  # ids of the expressions called
        self.scopes: list[_Scope] = [_Scope("module", set())]

    def col(self, line: int, offset: int) -> int:
        text = self.mod.lines[line - 1] if line <= len(self.mod.lines) else b""
        return offset if text.isascii() else len(text[:offset].decode("utf-8", "replace"))

    def note(self, node: ast.AST, line: int, offset: int, name: str, kind: str, target: Target) -> None:
        if target is None or isinstance(target, ModuleT):
            return  # no symbol either way, or unknown
        targets = () if target in (OUTSIDE, LOCAL) else (target,)
        kind += "-call" if id(node) in self.called else ""
        self.found[(self.mod.path, line, self.col(line, offset))] = Opinion(name, kind, targets)  # type: ignore[arg-type]

    def lookup(self, name: str) -> Target:
        inner = True
        for scope in reversed(self.scopes):
            if scope.kind == "class" and not inner:
                continue
            inner = False
            if scope.kind == "module":
                break
            if name in scope.local:
                # A function's local variable names no symbol; a class attribute may.
                return scope.imports.get(name, LOCAL if scope.kind == "function" else None)
        if name in self.mod.bindings:
            return self.o.binding(self.mod, name, 0)
        if self.mod.stars:
            return self.o.member(self.mod.path, name)
        return LOCAL if name in _BUILTINS else None

    def resolve(self, node: ast.expr) -> Target:
        if isinstance(node, ast.Name):
            return self.lookup(node.id)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and self._is_self(node.value.id):
                fn = self.scopes[-1]
                methods = self.mod.classes.get(fn.cls or "", {})
                return methods.get(node.attr)
            return self.o.attribute(self.resolve(node.value), node.attr)
        return None

    def _is_self(self, name: str) -> bool:
        fn = self.scopes[-1]
        return fn.kind == "function" and fn.cls is not None and name == fn.self_name

    def visit_Call(self, node: ast.Call) -> None:
        self.called.add(id(node.func))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.note(node, node.lineno, node.col_offset, node.id, "name", self.lookup(node.id))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.visit(node.value)
        if node.end_lineno is None or node.end_col_offset is None:
            return
        target = self.resolve(node)
        self_use = isinstance(node.value, ast.Name) and self._is_self(node.value.id)
        offset = node.end_col_offset - len(node.attr.encode("utf-8"))
        self.note(node, node.end_lineno, offset, node.attr, "self" if self_use else "attr", target)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                continue
            target = self.o.alias_target(node, alias, self.mod.path, 0, bound=False)
            self.note(alias, alias.lineno, alias.col_offset, alias.name, "import", target)
            if self.scopes[-1].kind != "module":
                self.scopes[-1].imports[alias.asname or alias.name] = target

    def visit_Import(self, node: ast.Import) -> None:
        if self.scopes[-1].kind != "module":
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                self.scopes[-1].imports[bound] = self.o.alias_target(node, alias, self.mod.path, 0, bound=True)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        outer = self.scopes[-1]
        local, nested = _function_locals(node)
        scope = _Scope("function", local, imports=dict.fromkeys(nested))
        params = node.args.posonlyargs + node.args.args
        if outer.kind == "class" and params and not isinstance(node, ast.Lambda):
            scope.cls, scope.self_name = outer.cls, params[0].arg
        self.scopes.append(scope)
        body = node.body if isinstance(node.body, list) else [node.body]
        for child in body:
            self.visit(child)
        self.scopes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for expr in [*node.decorator_list, node.args, *([node.returns] if node.returns else [])]:
            self.visit(expr)
        self._function(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit(node.args)
        self._function(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expr)
        local = {n.id for s in node.body for n in ast.walk(s) if isinstance(n, ast.Name)
                 and isinstance(n.ctx, ast.Store)}
        methods: dict[str, Target] = {s.name: _span(self.mod.path, s) for s in node.body
                                      if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        nested = len(self.scopes) > 1
        self.scopes.append(_Scope("class", local | set(methods), methods, cls=None if nested else node.name))
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()
