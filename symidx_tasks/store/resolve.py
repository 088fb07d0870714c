"""Reference resolution: which symbols each stored reference names, and how that was decided.

Runs inside the merge's transaction, after the rows are loaded and internal
dependencies resolved. For a reference R (name N) in package P, file F, the
first rule that applies decides:

1. ``import``: an import in F binds R — its local name (alias, else name)
   equals N, or, when R has a receiver, the receiver's first segment (``t`` in
   ``t.issue()``, also a module's first segment: ``shop_auth`` in
   ``shop_auth.tokens.issue()``). The import's module names packages Q
   (``package_keys``, store/modules.py; relative imports name P itself); R's targets are the
   symbols named N in Q — named as imported when R is an aliased name
   (``import {a as b}``; ``b()`` names ``a``). When the module also names
   files of Q (``module_files``: ``./util``, ``@scope/pkg/2024/ToLength``,
   ``pkg.sub.mod``, ``.money``, ``crate::a::b``; the file a resolver would
   find first) and they define N, R's targets are only their symbols named N
   (not the 20 ``ToLength`` of a package with one per edition); else (a bare
   package, a re-export: ``export {helper} from "./util"`` in the named
   index.ts) all of Q's. An import bound only to modules
   outside the repo (``httpx.get``, ``from decimal import Decimal``) leaves R
   unresolved: it names an outside symbol. An import bound inside the repo whose
   packages lack N lets R go on to the next rules. Import references themselves
   resolve through their own module only.
2. ``package``: symbols named N in P — only those of F when F defines N and
   R is unqualified or called on the object itself (``self.m()``,
   ``this.m()``, ``cls.m()``: SELF_RECEIVERS): a definition in the file
   shadows the package's others, and the object's own class is most often
   the file's.
3. ``dependency``: symbols named N in P's internal dependencies.

   Rules 2 and 3 settle R once their scope defines N at all: when more than
   AMBIGUOUS_LIMIT symbols there bear the name (`.hash()` among 180 `hash`
   impls of one crate), R stays unresolved rather than naming them all, and
   goes on to no later rule.
4. ``name``: symbols named N in a file of R's language family anywhere
   (TypeScript/TSX/JavaScript are one, Java/Kotlin another), when at most
   NAME_LIMIT such symbols bear that name: an unqualified guess is worth
   showing only when it is nearly unambiguous, and a Ruby call naming a Rust
   method is no guess at all.

The result is a pure function of the loaded rows, so an incremental merge
recomputes only the references whose answer can have changed: those of the
reloaded packages (or, when only some files of a package changed, of those
files), those whose name some reloaded or removed package (file) defines
(before or after; symbol ids change on reload), and those bound by an aliased
import of such a name. Which of Q's files an import names changes only when
files of Q are added or removed, which puts every name Q defines among those
names (one Q never defines has no target there either way); which of them
define N, only when one of them changes, which puts its names there. A change
in which packages exist, their match keys or their package keys can move any
import: then everything is recomputed.
"""
from __future__ import annotations

import hashlib
import posixpath
import sqlite3

from .modules import SELF, module_candidates, module_files

# Bump when the rules change: an index resolved by other rules is resolved
# again in full by its next merge (meta ``resolution_version``), which doit runs
# because the merge task's up-to-date check includes this.
RESOLUTION_VERSION = "2"
# Receivers that are the object itself (Python, Rust, Ruby; JS/TS, Java, Kotlin;
# Python class methods; Perl): its method is first looked for in the file.
SELF_RECEIVERS = ("self", "this", "cls", "Self", "$self")
# Rule 4: a name defined by more symbols (of one language family) than this is
# too ambiguous to guess.
NAME_LIMIT = 3
# Rules 2 and 3: more candidates than this in the package (its dependencies) is
# no answer either. Measured on the real bench trees, this cuts the stored
# targets by about half at little recall (docs/performance.md).
AMBIGUOUS_LIMIT = 8

def key_state(conn: sqlite3.Connection) -> str:
    """A digest of what decides where any import points: the packages, their
    match keys and their package keys."""
    digest = hashlib.sha256()
    for sql in ("SELECT path, match_key FROM packages ORDER BY path",
                "SELECT package, key FROM package_keys ORDER BY package, key"):
        for row in conn.execute(sql):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


class Changes:
    """What one merge changed, so ``resolve`` recomputes only what depends on it.

    The merge calls ``touch`` for every package it deletes (before) or loads
    (after), and ``touch_files`` for the files of a package it reloads alone
    (listed in ``temp.changed_files``). ``full``: recompute everything (an
    empty index).
    """

    def __init__(self, conn: sqlite3.Connection, full: bool) -> None:
        self.conn = conn
        self.full = full
        self.before = "" if full else key_state(conn)
        self.reloaded: list[str | None] = []
        if not full:
            conn.execute("CREATE TEMP TABLE changed_names(name TEXT PRIMARY KEY) WITHOUT ROWID")
            conn.execute("CREATE TEMP TABLE reloaded_refs(id INTEGER PRIMARY KEY)")

    def touch(self, package: str | None, loaded: bool) -> None:
        """Note the names ``package`` defines now (before a delete, after a load)."""
        if self.full:
            return
        self.conn.execute("INSERT OR IGNORE INTO temp.changed_names SELECT name FROM symbols WHERE package IS ?",
                          (package,))
        if loaded:
            self.reloaded.append(package)

    def touch_files(self, package: str | None, loaded: bool, every_name: bool) -> None:
        """``touch`` for the files of ``package`` in temp.changed_files only: the other
        files' rows stay, and so do their references' targets unless a name moved
        (``_carry_targets``). ``every_name``: files were added or removed, which can change the file an
        import names (``./util`` is util.ts once it exists, no longer util/index.ts):
        then every name the package defines may resolve elsewhere."""
        if self.full:
            return
        changed = "package IS ? AND file_path IN (SELECT path FROM temp.changed_files)"
        if loaded:
            self.conn.execute(f"INSERT OR IGNORE INTO temp.reloaded_refs SELECT id FROM refs WHERE {changed}",
                              (package,))
        if every_name:
            self.conn.execute("INSERT OR IGNORE INTO temp.changed_names SELECT name FROM symbols WHERE package IS ?",
                              (package,))
            return
        # The files' definitions before the delete and after the load: _carry_targets compares them.
        defs = "new_defs" if loaded else "old_defs"
        self.conn.execute(f"CREATE TEMP TABLE {defs} AS SELECT id, file_path, name, language FROM symbols"
                          f" WHERE {changed}", (package,))
        if loaded:
            _carry_targets(self.conn)

    def close(self) -> None:
        if not self.full:
            self.conn.execute("DROP TABLE temp.changed_names")
            self.conn.execute("DROP TABLE temp.reloaded_refs")


def _carry_targets(conn: sqlite3.Connection) -> None:
    """After a per-file reload (temp.old_defs: the reloaded files' symbols before,
    temp.new_defs: after): a file that defines the same names as before (as many
    of each, in the same language) can change no other reference's resolution,
    since every rule takes all or none of a file's symbols of one name and
    counts them the same; those references keep their targets, moved to the new
    rows. The names of the other files go to temp.changed_names: every reference
    to them is resolved again. (The reloaded files' own references are, always.)
    An edit inside a body of a file whose names are used everywhere (Django's
    ``gettext``) then re-resolves its own references only."""
    counts = "SELECT file_path, name, language, count(*) FROM temp.{} GROUP BY file_path, name, language"
    conn.execute(
        f"CREATE TEMP TABLE moved AS SELECT file_path FROM ({counts.format('old_defs')} EXCEPT"
        f" {counts.format('new_defs')}) UNION SELECT file_path FROM ({counts.format('new_defs')} EXCEPT"
        f" {counts.format('old_defs')})")
    conn.execute(
        "INSERT OR IGNORE INTO temp.changed_names SELECT name FROM temp.old_defs"
        " WHERE file_path IN (SELECT file_path FROM temp.moved) UNION SELECT name FROM temp.new_defs"
        " WHERE file_path IN (SELECT file_path FROM temp.moved)")
    # Collected before the old rows go: a new symbol may reuse an old one's rowid.
    conn.execute(
        "CREATE TEMP TABLE carried AS SELECT DISTINCT t.ref_id, n.id AS symbol_id, t.how FROM temp.old_defs o"
        # CROSS JOIN: from the few old rows through ref_targets' symbol index, not a scan of ref_targets.
        " CROSS JOIN ref_targets t ON t.symbol_id = o.id"
        " JOIN temp.new_defs n ON n.file_path = o.file_path AND n.name = o.name"
        " WHERE o.file_path NOT IN (SELECT file_path FROM temp.moved)")
    conn.execute("DELETE FROM ref_targets WHERE symbol_id IN (SELECT id FROM temp.old_defs)")
    conn.execute("INSERT INTO ref_targets(ref_id, symbol_id, how) SELECT ref_id, symbol_id, how FROM temp.carried")
    for table in ("old_defs", "new_defs", "moved", "carried"):
        conn.execute(f"DROP TABLE temp.{table}")


def _family(column: str) -> str:
    """SQL: the language family of a language column (rule 4)."""
    return (f"CASE {column} WHEN 'tsx' THEN 'typescript' WHEN 'javascript' THEN 'typescript'"
            f" WHEN 'kotlin' THEN 'java' ELSE {column} END")


def _first_segment(column: str, separators: str) -> str:
    """SQL: ``column`` up to its first separator (``a`` of ``a.b``, ``a::b``, ``a(x).b``)."""
    ends = ", ".join(f"instr({column} || '{c}', '{c}')" for c in separators)
    return f"substr({column}, 1, min({ends}) - 1)"


# The imports in a pending ref's file that bind it, as a join condition on binds b and pending p.
_BINDS = "b.file_path = p.file_path AND b.bound = p.head AND (b.qualifier = 0 OR p.receiver IS NOT NULL)"


def resolve(conn: sqlite3.Connection, changes: Changes) -> None:
    """Recompute ref_targets for the references ``changes`` can have affected
    (all of them after a full load, a change of package keys or of the rules),
    and record the rules' version."""
    stored = conn.execute("SELECT value FROM meta WHERE key = 'resolution_version'").fetchone()
    full = changes.full or key_state(conn) != changes.before or stored != (RESOLUTION_VERSION,)
    conn.execute("CREATE TEMP TABLE scope(id INTEGER PRIMARY KEY)")
    if full:
        conn.execute("DELETE FROM ref_targets")
        conn.execute("INSERT INTO temp.scope SELECT id FROM refs")
    else:
        _incremental_scope(conn, changes.reloaded)
    _bind_imports(conn)
    _resolve_pending(conn)
    for table in ("scope", "imports", "import_targets", "binds", "pending"):
        conn.execute(f"DROP TABLE temp.{table}")
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('resolution_version', ?)", (RESOLUTION_VERSION,))


def _incremental_scope(conn: sqlite3.Connection, reloaded: list[str | None]) -> None:
    conn.executemany("INSERT OR IGNORE INTO temp.scope SELECT id FROM refs WHERE package IS ?",
                     [(p,) for p in reloaded])
    conn.execute("INSERT OR IGNORE INTO temp.scope SELECT id FROM temp.reloaded_refs")
    # CROSS JOIN: from the changed names (often none) through refs' name index; the
    # planner, knowing nothing of the temp table, would scan every import instead.
    conn.execute("INSERT OR IGNORE INTO temp.scope SELECT r.id FROM temp.changed_names c"
                 " CROSS JOIN refs r ON r.name = c.name")
    conn.execute(
        "INSERT OR IGNORE INTO temp.scope SELECT r.id FROM temp.changed_names c"
        " CROSS JOIN refs i ON i.name = c.name AND i.kind = 'import' AND i.alias IS NOT NULL"
        " JOIN refs r ON r.package IS i.package AND r.file_path = i.file_path AND r.name = i.alias")
    conn.execute("DELETE FROM ref_targets WHERE ref_id IN (SELECT id FROM temp.scope)")


def _bind_imports(conn: sqlite3.Connection) -> None:
    """temp.imports: the imports of every file holding a reference in scope;
    temp.import_targets: the packages each names; temp.binds: the local
    names they bind (qualifier = 1: a module's first segment, which binds
    only as a receiver); temp.import_pkg: each import's packages;
    temp.import_files: the files of those packages each import names."""
    conn.execute(
        "CREATE TEMP TABLE imports AS SELECT i.id, i.package, i.file_path, f.language, i.name, i.alias, i.module,"
        " i.id IN (SELECT id FROM temp.scope) AS in_scope"
        # CROSS JOIN (here and for temp.pending): from the scope (a few hundred
        # references after an edit) to refs by id; the planner, knowing nothing of
        # the temp table, would scan every reference (0.07 s each at 705k).
        " FROM (SELECT DISTINCT r.package, r.file_path FROM temp.scope s CROSS JOIN refs r ON r.id = s.id) p"
        " JOIN refs i ON i.package IS p.package AND i.file_path = p.file_path AND i.kind = 'import'"
        " LEFT JOIN files f ON f.path = i.file_path")
    keys: dict[str, list[str | None]] = {}
    for package, key in conn.execute("SELECT package, key FROM package_keys ORDER BY package IS NOT NULL, package"):
        keys.setdefault(key, []).append(package)
    targets = []
    modules = conn.execute(
        "SELECT DISTINCT package, language, module FROM temp.imports WHERE module IS NOT NULL").fetchall()
    for package, language, module in modules:
        for candidate in module_candidates(language, module):
            found = [package] if candidate == SELF else keys.get(candidate)
            if found:
                targets += [(package, language, module, target) for target in found]
                break
    conn.execute("CREATE TEMP TABLE import_targets(package, language, module, target)")
    conn.executemany("INSERT INTO temp.import_targets VALUES (?, ?, ?, ?)", targets)
    conn.execute(
        "CREATE TEMP TABLE binds AS SELECT i.file_path, coalesce(i.alias, i.name) AS bound, 0 AS qualifier,"
        " i.id AS import_id, i.name FROM temp.imports i WHERE coalesce(i.alias, i.name) != '*'"
        f" UNION SELECT i.file_path, {_first_segment('i.module', './:')}, 1, i.id, i.name FROM temp.imports i"
        " WHERE i.alias IS NULL AND i.module IS NOT NULL")
    conn.execute("CREATE INDEX temp.binds_bound ON binds(file_path, bound)")
    # One row per (import, package it names): imports of an outside module have none.
    conn.execute(
        "CREATE TEMP TABLE import_pkg AS SELECT i.id AS import_id, t.target FROM temp.imports i"
        " JOIN temp.import_targets t ON t.package IS i.package AND t.language IS i.language AND t.module = i.module")
    conn.execute("CREATE INDEX temp.import_pkg_id ON import_pkg(import_id)")
    _name_files(conn)


def _name_files(conn: sqlite3.Connection) -> None:
    """temp.import_files: the files of its packages each import names (``module_files``)."""
    # A resolver takes the first path that exists: read the paths of the named packages once.
    in_package = dict(conn.execute(
        "SELECT f.path, f.package FROM (SELECT DISTINCT target FROM temp.import_pkg) t"
        " JOIN files f ON f.package IS t.target"))
    roots = {path: "" if path == "." else path for (path,) in conn.execute("SELECT path FROM packages")}
    rows = conn.execute(
        "SELECT i.id, i.file_path, i.language, i.module, ip.target FROM temp.imports i"
        " JOIN temp.import_pkg ip ON ip.import_id = i.id").fetchall()
    found: set[tuple[int, str, str | None]] = set()
    # Files of one directory import the same modules: module_files reads only the importer's directory.
    named: dict[tuple[str | None, str, str, str | None], list[str]] = {}
    for import_id, importer, language, module, target in rows:
        where = (language, module, posixpath.dirname(importer), target)
        if where not in named:
            named[where] = []
            for paths in module_files(language, module, importer, roots.get(target, "")):
                path = next((path for path in paths if path in in_package and in_package[path] == target), None)
                if path is not None:
                    named[where].append(path)
        found.update((import_id, path, target) for path in named[where])
    conn.execute("CREATE TEMP TABLE import_files(import_id INTEGER, path TEXT, package TEXT,"
                 " PRIMARY KEY (import_id, path)) WITHOUT ROWID")
    conn.executemany("INSERT INTO temp.import_files VALUES (?, ?, ?)", sorted(found))


def _insert_import_targets(conn: sqlite3.Connection, bound: str) -> None:
    """Resolve through imports the rows (id, import_id, name) of the query
    ``bound``: to the symbols named ``name`` in the files the import names
    when some exist, else in its packages."""
    conn.execute(f"CREATE TEMP TABLE bound AS {bound}")
    # Two steps, not one pass with a window over every candidate of the packages:
    # most imports name a file, and its symbols are a few index seeks away.
    # CROSS JOIN fixes the order (SQLite's planner would read every symbol of the name first).
    conn.execute(
        "CREATE TEMP TABLE in_file AS SELECT u.id, u.import_id, s.id AS symbol_id FROM temp.bound u"
        " CROSS JOIN temp.import_files f ON f.import_id = u.import_id"
        " CROSS JOIN symbols s ON s.name = u.name AND s.package IS f.package AND s.file_path = f.path")
    conn.execute("CREATE INDEX temp.in_file_ref ON in_file(id, import_id)")
    conn.execute(
        "INSERT INTO ref_targets(ref_id, symbol_id, how) SELECT DISTINCT id, symbol_id, 'import' FROM"
        " (SELECT id, symbol_id FROM temp.in_file UNION ALL"
        "  SELECT u.id, s.id FROM temp.bound u JOIN temp.import_pkg ip ON ip.import_id = u.import_id"
        "  JOIN symbols s ON s.name = u.name AND s.package IS ip.target"
        "  WHERE NOT EXISTS (SELECT 1 FROM temp.in_file h WHERE h.id = u.id AND h.import_id = u.import_id))")
    conn.execute("DROP TABLE temp.bound")
    conn.execute("DROP TABLE temp.in_file")


def _resolve_pending(conn: sqlite3.Connection) -> None:
    insert = "INSERT INTO ref_targets(ref_id, symbol_id, how) "
    _insert_import_targets(conn, "SELECT id, id AS import_id, name FROM temp.imports WHERE in_scope")
    # Keyed by id: each rule below deletes what it settled from here by id.
    conn.execute("CREATE TEMP TABLE pending(id INTEGER PRIMARY KEY, package, file_path, name, receiver, family, head)")
    conn.execute(
        f"INSERT INTO temp.pending SELECT r.id, r.package, r.file_path, r.name, r.receiver,"
        f" {_family('f.language')} AS family,"
        # what binds through an import: the receiver's first segment, else the name
        f" CASE WHEN r.receiver IS NULL THEN r.name ELSE {_first_segment('r.receiver', '.:([-')} END AS head"
        " FROM temp.scope s CROSS JOIN refs r ON r.id = s.id LEFT JOIN files f ON f.path = r.file_path"
        " WHERE r.kind != 'import'")
    since = _last_target(conn)
    _insert_import_targets(
        conn, "SELECT p.id, b.import_id, CASE WHEN p.receiver IS NULL THEN b.name ELSE p.name END AS name"
        f" FROM temp.pending p JOIN temp.binds b ON {_BINDS}")
    _drop_resolved(conn, since)
    # Bound only to outside modules: it names an outside symbol.
    conn.execute(
        f"DELETE FROM temp.pending AS p WHERE EXISTS (SELECT 1 FROM temp.binds b WHERE {_BINDS})"
        f" AND NOT EXISTS (SELECT 1 FROM temp.binds b JOIN temp.import_pkg ip ON ip.import_id = b.import_id"
        f" WHERE {_BINDS})")
    since = _last_target(conn)
    conn.execute(
        f"{insert} SELECT p.id, s.id, 'package' FROM temp.pending p"
        " JOIN symbols s ON s.name = p.name AND s.package IS p.package AND s.file_path = p.file_path"
        f" WHERE p.receiver IS NULL OR p.receiver IN ({', '.join('?' for _ in SELF_RECEIVERS)})", SELF_RECEIVERS)
    _drop_resolved(conn, since)
    _settle(conn, "package", "symbols {s}", "{s}.name = p.name AND {s}.package IS p.package")
    conn.execute("CREATE TEMP TABLE deps AS SELECT DISTINCT package, internal_package FROM dependencies"
                 " WHERE internal_package IS NOT NULL")
    _settle(conn, "dependency", "temp.deps d{s} JOIN symbols {s} ON {s}.package = d{s}.internal_package",
            "d{s}.package = p.package AND {s}.name = p.name")
    conn.execute("DROP TABLE temp.deps")
    conn.execute(
        f"{insert} SELECT p.id, s.id, 'name' FROM temp.pending p"
        f" JOIN symbols s ON s.name = p.name AND {_family('s.language')} = p.family"
        f" WHERE (SELECT count(*) FROM symbols c WHERE c.name = p.name AND {_family('c.language')} = p.family)"
        " <= ?", (NAME_LIMIT,))
    conn.execute("DROP TABLE temp.import_pkg")
    conn.execute("DROP TABLE temp.import_files")


def _settle(conn: sqlite3.Connection, how: str, tables: str, condition: str) -> None:
    """Rules 2 and 3: resolve each pending reference ``p`` to the symbols of
    its scope (``tables`` where ``condition``; the symbol alias written
    ``{s}``) when there are at most AMBIGUOUS_LIMIT, then drop every pending
    reference its scope defines, resolved or too ambiguous."""
    def scope(alias: str) -> str:
        return f"{tables.format(s=alias)} WHERE {condition.format(s=alias)}"

    conn.execute(
        f"INSERT INTO ref_targets(ref_id, symbol_id, how) SELECT p.id, s.id, ? FROM temp.pending p, {scope('s')}"
        f" AND (SELECT count(*) FROM {scope('c')}) <= ?", (how, AMBIGUOUS_LIMIT))
    conn.execute(f"DELETE FROM temp.pending AS p WHERE EXISTS (SELECT 1 FROM {scope('s')})")


def _last_target(conn: sqlite3.Connection) -> int:
    """The rowid of the last ref_targets row: a rule's new rows come after it."""
    last: int = conn.execute("SELECT coalesce(max(rowid), 0) FROM ref_targets").fetchone()[0]
    return last


def _drop_resolved(conn: sqlite3.Connection, since: int) -> None:
    """Drop from temp.pending what the ref_targets rows after rowid ``since`` resolved (a range
    of the table's own key: no index on ref_id needed, so a full load can defer that one)."""
    conn.execute("DELETE FROM temp.pending WHERE id IN (SELECT ref_id FROM ref_targets WHERE rowid > ?)", (since,))
