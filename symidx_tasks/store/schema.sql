-- symidx index schema. Column names follow the reference symbol index's where
-- they exist (docs/architecture.md, "The database"), so its users' queries carry over.
-- "package" columns hold the package *path* (unique); names can collide in a
-- monorepo. Files and symbols outside any package have package NULL.

CREATE TABLE packages (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    version     TEXT,
    description TEXT,
    metadata    TEXT NOT NULL,          -- JSON object
    match_key   TEXT NOT NULL,          -- what a dependency's match_key must equal to be internal
    manifests   TEXT NOT NULL           -- JSON array: own manifests, then inherited workspace files
);
CREATE INDEX packages_name ON packages(name);
CREATE INDEX packages_match ON packages(match_key);

CREATE TABLE dependencies (
    id               INTEGER PRIMARY KEY,
    package          TEXT NOT NULL,     -- path of the depending package
    dependency       TEXT NOT NULL,     -- name as written in the manifest
    dep_kind         TEXT NOT NULL,
    version_req      TEXT,
    match_key        TEXT NOT NULL,
    metadata         TEXT NOT NULL,     -- JSON object
    is_internal      INTEGER NOT NULL DEFAULT 0,
    internal_package TEXT               -- path of the repo package it resolves to
);
CREATE INDEX dependencies_package ON dependencies(package);
CREATE INDEX dependencies_match ON dependencies(match_key);
CREATE INDEX dependencies_internal ON dependencies(internal_package);

CREATE TABLE files (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL UNIQUE,
    package    TEXT,
    extension  TEXT NOT NULL,
    size_bytes INTEGER,
    language   TEXT,
    sha256     TEXT,
    status     TEXT NOT NULL,           -- parsed, partial, listed, skipped, error
    note       TEXT                     -- why skipped / what went wrong
);
CREATE INDEX files_package ON files(package);

CREATE TABLE symbols (
    id            INTEGER PRIMARY KEY,
    package       TEXT,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    signature     TEXT NOT NULL,
    file_path     TEXT NOT NULL,
    line          INTEGER NOT NULL,
    end_line      INTEGER NOT NULL,
    visibility    TEXT NOT NULL,
    parent_symbol TEXT,
    return_type   TEXT,
    parameters    TEXT NOT NULL,        -- JSON array of {"name", "type"}
    language      TEXT,
    words         TEXT NOT NULL,        -- the name split at camelCase/snake_case, lower case: for search
    doc           TEXT                  -- first paragraph of its documentation, one line
);
-- One index serves both a package's symbols and a file's (its package is known
-- from files): one index fewer to maintain on a bulk load (what that saves:
-- docs/performance.md).
CREATE INDEX symbols_place ON symbols(package, file_path, line);
-- By name, then package, then file: reference resolution looks names up within
-- one package and one file (store/resolve.py; without the file column SQLite
-- reads a file's every symbol through symbols_place instead), and a name-only
-- lookup uses the prefix.
CREATE INDEX symbols_name ON symbols(name, package, file_path);

-- Identifier uses that may name another file's symbol (extract/references.py),
-- as the result files carry them: col is 0-based in characters; receiver is the
-- qualifier of a member call or qualified name; module and alias belong to imports.
CREATE TABLE refs (
    id        INTEGER PRIMARY KEY,
    package   TEXT,
    file_path TEXT NOT NULL,
    line      INTEGER NOT NULL,
    col       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,             -- import, inherit, new, member_call, call, type, constant
    receiver  TEXT,
    enclosing TEXT,                      -- the innermost definition around it (None at top level)
    module    TEXT,
    alias     TEXT
);
CREATE INDEX refs_name ON refs(name, kind);
CREATE INDEX refs_place ON refs(package, file_path, line);

-- The symbols a reference resolves to, and how (store/resolve.py): import,
-- package, dependency or name. Derived by the merge from the rows above, never
-- loaded from result files. A reference and its targets always share a name,
-- except through an aliased import (`import {a as b}`: b's targets are named a).
CREATE TABLE ref_targets (
    ref_id    INTEGER NOT NULL,
    symbol_id INTEGER NOT NULL,
    how       TEXT NOT NULL
);
CREATE INDEX ref_targets_symbol ON ref_targets(symbol_id);
CREATE INDEX ref_targets_ref ON ref_targets(ref_id);

-- The keys an import's module can name a package by (store/resolve.py,
-- package_keys): its match key, and for Python, JVM and Perl the module names its
-- files define. Derived from each package's own rows when it is loaded.
CREATE TABLE package_keys (
    package TEXT,
    key     TEXT NOT NULL
);
CREATE INDEX package_keys_key ON package_keys(key);
CREATE INDEX package_keys_package ON package_keys(package);

CREATE TABLE warnings (
    id        INTEGER PRIMARY KEY,
    package   TEXT,
    file_path TEXT,
    message   TEXT NOT NULL,
    origin    TEXT NOT NULL DEFAULT 'result'  -- 'result' (from extraction) or 'merge' (cross-package)
);
CREATE INDEX warnings_package ON warnings(package);

-- Which result file each package's rows were loaded from: the merge reloads a
-- package only when its result's digest differs (size+mtime is a cheap pre-check),
-- and only its changed files when the extractor and the package record
-- (package_digest) are the ones the rows came from (store/merge.py).
CREATE TABLE package_results (
    key            TEXT PRIMARY KEY,
    digest         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    mtime_ns       INTEGER NOT NULL,
    extractor      TEXT NOT NULL,
    package_digest TEXT NOT NULL
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

-- Full-text search, external content: the index only, text stays in the base
-- tables (rowid = their id). "words" lets "payment" find processPayment; kind,
-- file path and doc let "billing function" or "retry with backoff" find it too.
CREATE VIRTUAL TABLE symbols_fts USING fts5(name, words, signature, kind, file_path, doc,
                                            content='symbols', content_rowid='id');
CREATE VIRTUAL TABLE packages_fts USING fts5(name, description, path, content='packages', content_rowid='id');
CREATE VIRTUAL TABLE files_fts USING fts5(path, content='files', content_rowid='id');
