"""A seeded generator of a synthetic polyglot monorepo for the benchmarks.

    python bench/generate.py DEST --size small --seed 0

Same seed and size -> byte-identical tree: every file's content comes from its
own RNG seeded with (seed, path), and the layout from one RNG seeded with the
seed, so nothing depends on dict order, the clock or the process.

The tree mixes every ecosystem symidx reads, each with valid manifests:
npm (workspace root + members: TS, TSX, JS), cargo (virtual workspace whose
members inherit ``workspace = true`` fields and deps), go (go.work + modules,
.proto sources with generated .pb.go), python ([project] and [tool.poetry]),
maven (parent pom + modules, Java), gradle (settings.gradle.kts + Kotlin),
ruby (gemspec + Gemfile), perl (cpanfile, some Makefile.PL). Packages depend on
each other by their ecosystem's naming and on external packages; some are
nested inside others; some files belong to no package (scripts/, proto/);
there are test files and dirs, generated files, a .gitignore and ignored files.

Source files are real-looking code built from templates with random
identifiers: public classes/functions/methods with typed parameters, private
helpers, doc comments and bodies with statements. Sizes: most files 1-20 KB,
a few small ones, and about 1.5 % of 50-200 KB.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import posixpath
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# size -> (packages, files per package on average)
SIZES: dict[str, tuple[int, int]] = {"small": (50, 40), "medium": (300, 50), "large": (1000, 60)}

ECOSYSTEMS: tuple[str, ...] = ("npm", "cargo", "go", "python", "maven", "gradle", "ruby", "perl")
# Share of packages per ecosystem (roughly what a large product monorepo has).
_ECO_WEIGHTS: tuple[float, ...] = (0.30, 0.10, 0.15, 0.17, 0.09, 0.08, 0.06, 0.05)
_FIRST: tuple[tuple[str, str], ...] = (
    ("npm", "ts"), ("npm", "tsx"), ("npm", "js"), ("cargo", ""), ("cargo", ""), ("go", ""), ("python", "project"),
    ("python", "poetry"), ("maven", ""), ("gradle", ""), ("ruby", ""), ("perl", ""),
)
MIN_PACKAGES = len(_FIRST)
_NESTED_SHARE = 0.06
_NESTED_KINDS = ("npm", "python", "go")  # kinds that may legally sit inside another package

GROUP = "com.example.mono"  # maven groupId / JVM package prefix
GO_PREFIX = "example.com/mono"

_WORDS = (
    "account address agent alert archive asset audit batch billing bucket budget cache campaign "
    "cart catalog channel checkout claim client cluster config consent contract coupon credit "
    "cursor customer dashboard dataset delivery device digest discount document domain draft "
    "event feature feed filter fleet gateway graph grant group health history identity "
    "image incident index inventory invoice job journal ledger license limit listing "
    "locale lookup mailer manifest media member merchant message metric mirror model monitor "
    "node notice offer order outbox owner packet page parcel partner payment payout pipeline "
    "plan policy pool portal preview price profile project promo queue quota rate receipt "
    "record refund region release report request reserve resource review role route rule "
    "sample schedule schema scope search secret segment sender session settle shard shipment "
    "signal sku slot snapshot source stock store stream subscription supplier survey sync "
    "table tag task tax team template tenant ticket token topic trace tracker transfer trigger "
    "upload usage user vault vendor version voucher wallet webhook widget window worker zone"
).split()
_VERBS = (
    "apply build check collect compute create decode delete dispatch encode ensure fetch find "
    "flush format handle load lookup merge normalize open parse prepare publish read refresh "
    "register release render resolve restore retry route save scan schedule send split store "
    "submit sync track transform update upsert validate verify write"
).split()
_ADJ = "active cached default pending remote shared stale primary external internal partial batched".split()


def _third_person(verb: str) -> str:
    if verb == "lookup":
        return "looks up"
    return verb + ("es" if verb.endswith(("ch", "sh", "s", "x")) else "s")


def _pascal(words: list[str]) -> str:
    return "".join(w.capitalize() for w in words)


def _camel(words: list[str]) -> str:
    return words[0] + "".join(w.capitalize() for w in words[1:])


def _snake(words: list[str]) -> str:
    return "_".join(words)


class Ids:
    """Random identifiers and prose for one file (all draws from its own RNG)."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def words(self, lo: int = 1, hi: int = 2) -> list[str]:
        return [self.r.choice(_WORDS) for _ in range(self.r.randint(lo, hi))]

    def noun(self) -> list[str]:
        return self.words(1, 2)

    def verb_noun(self) -> list[str]:
        return [self.r.choice(_VERBS), *self.words(1, 2)]

    def type_name(self) -> str:
        w = self.words(1, 2)
        if self.r.random() < 0.3:
            w.append(self.r.choice(("service", "manager", "handler", "store", "client", "builder", "view")))
        return _pascal(w)

    def sentence(self) -> str:
        r = self.r
        return (
            f"{_third_person(r.choice(_VERBS)).capitalize()} the {r.choice(_ADJ)} {r.choice(_WORDS)} "
            f"for the given {r.choice(_WORDS)} and {r.choice(_WORDS)}."
        )

    def prose(self, lo: int = 1, hi: int = 3) -> list[str]:
        return [self.sentence() for _ in range(self.r.randint(lo, hi))]

    def msg(self) -> str:
        r = self.r
        return f"{r.choice(_WORDS)} {r.choice(_VERBS)} failed for {r.choice(_ADJ)} {r.choice(_WORDS)}"

    def n(self) -> int:
        return self.r.choice((0, 1, 2, 3, 5, 8, 10, 16, 32, 64, 100, 256, 1000))


# --------------------------------------------------------------------------
# Source renderers. Each language: header(ctx), unit() -> str, footer().
# A file is a header, then units until it reaches its target size, then a footer.
# --------------------------------------------------------------------------


@dataclass
class FileCtx:
    path: str
    language: str
    package: "Pkg | None"
    module: str = ""  # language-specific namespace: python module, java package, perl package...
    main_type: str = ""  # java: the public class named after the file


class Renderer:
    def __init__(self, ids: Ids, ctx: FileCtx) -> None:
        self.i = ids
        self.r = ids.r
        self.ctx = ctx

    def header(self) -> str:
        return ""

    def unit(self) -> str:
        raise NotImplementedError

    def footer(self) -> str:
        return ""

    def render(self, target: int) -> str:
        parts = [self.header()]
        size = len(parts[0])
        while True:
            u = self.unit()
            parts.append(u)
            size += len(u)
            if size >= target:
                break
        parts.append(self.footer())
        return "".join(parts)


def _indent(block: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in block.split("\n"))


class PythonR(Renderer):
    TYPES = ("str", "int", "float", "bool", "bytes", "list[str]", "dict[str, int]", "Optional[str]",
             "Sequence[int]", "Mapping[str, Any]", "Path")

    def header(self) -> str:
        i = self.i
        deps = self.ctx.package.deps if self.ctx.package else []
        imports = "".join(f"from {d.module} import {i.type_name()}\n" for d in deps[:2])
        doc = "\n".join(i.prose(1, 3))
        return (
            f'"""{doc}\n"""\nfrom __future__ import annotations\n\nimport logging\nimport os\n'
            "from dataclasses import dataclass, field\nfrom pathlib import Path\n"
            "from typing import Any, Mapping, Optional, Sequence\n\n"
            f"{imports}\nlogger = logging.getLogger(__name__)\n\n"
            f"DEFAULT_{_snake(i.noun()).upper()} = {i.n()}\n"
        )

    def params(self, k: int) -> tuple[str, list[str]]:
        names = [_snake(self.i.noun()) for _ in range(k)]
        names = list(dict.fromkeys(names))
        out = []
        for j, p in enumerate(names):
            t = self.r.choice(self.TYPES)
            if j == len(names) - 1 and self.r.random() < 0.4:
                out.append(f"{p}: {t} | None = None")
            else:
                out.append(f"{p}: {t}")
        return ", ".join(out), names

    def stmts(self, names: list[str]) -> str:
        r, i = self.r, self.i
        p = lambda: r.choice(names) if names else "None"  # noqa: E731
        lines = ["result: list[Any] = []"]
        for _ in range(r.randint(2, 7)):
            k = r.randrange(7)
            if k == 0:
                lines.append(f'if {p()} is None:\n    raise ValueError("{i.msg()}")')
            elif k == 1:
                lines.append(f"for index, item in enumerate(range({i.n()})):\n"
                             f'    logger.debug("{i.msg()} %s %s", index, item)\n    result.append(item * {i.n()})')
            elif k == 2:
                lines.append(f"total = sum(x * {i.n()} for x in range({i.n()})) + len(str({p()}))")
            elif k == 3:
                lines.append(f"try:\n    value = os.environ[\"{_snake(i.noun()).upper()}\"]\n"
                             f"except KeyError as exc:\n    logger.warning(\"{i.msg()}: %s\", exc)\n    value = \"\"\n"
                             "result.append(value)")
            elif k == 4:
                lines.append(f"mapping = {{key: str(key) for key in range({i.n()})}}\nresult.extend(sorted(mapping))")
            elif k == 5:
                lines.append(f"if len(result) > {i.n()}:\n    result = result[:{i.n()}]\nelse:\n    result.append({p()})")
            else:
                lines.append(f"while len(result) < {r.randint(1, 9)}:\n    result.append(None)")
        lines.append("return result")
        return "\n".join(lines)

    def func(self, private: bool, method: bool) -> str:
        r, i = self.r, self.i
        name = ("_" if private else "") + _snake(i.verb_noun())
        sig, names = self.params(r.randint(0 if method else 1, 4))
        self_ = "self, " if method and sig else ("self" if method else "")
        ret = r.choice(("list[Any]", "Sequence[Any]", "Any"))
        doc = "" if private and r.random() < 0.6 else f'    """{i.sentence()}\n\n    {i.sentence()}\n    """\n'
        return f"def {name}({self_}{sig}) -> {ret}:\n{doc}{_indent(self.stmts(names), '    ')}\n"

    def unit(self) -> str:
        r, i = self.r, self.i
        k = r.random()
        if k < 0.45:
            cls = i.type_name()
            a, b = _snake(i.noun()), _snake(i.noun()) + "_opt"
            ta, tb = r.choice(self.TYPES), r.choice(self.TYPES)
            methods = [self.func(private=r.random() < 0.3, method=True) for _ in range(r.randint(2, 6))]
            body = "\n".join(_indent(m.rstrip("\n"), "    ") for m in methods)
            base = f"({r.choice(('Exception', 'object', 'dict'))})" if r.random() < 0.2 else ""
            return (
                f"\n\nclass {cls}{base}:\n    \"\"\"{i.sentence()}\"\"\"\n\n"
                f"    def __init__(self, {a}: {ta}, {b}: {tb} | None = None) -> None:\n"
                f"        self.{a} = {a}\n        self._{b} = {b}\n\n"
                f"    @property\n    def {b}(self) -> {tb} | None:\n        return self._{b}\n\n{body}\n"
            )
        if k < 0.6:
            fields = "\n".join(f"    {_snake(i.noun())}_{j}: {r.choice(self.TYPES)}" for j in range(r.randint(2, 6)))
            return f"\n\n@dataclass(frozen=True)\nclass {i.type_name()}:\n    \"\"\"{i.sentence()}\"\"\"\n\n{fields}\n    tags: list[str] = field(default_factory=list)\n"
        return "\n\n" + self.func(private=k > 0.88, method=False)


class TsR(Renderer):
    TYPES = ("string", "number", "boolean", "string[]", "Record<string, number>", "Date", "unknown",
             "Map<string, string>", "ReadonlyArray<number>")
    jsx = False

    def header(self) -> str:
        deps = self.ctx.package.deps if self.ctx.package else []
        imports = "".join(f'import {{ {self.i.type_name()} }} from "{d.name}";\n' for d in deps[:3])
        react = 'import React, { useState } from "react";\n' if self.jsx else ""
        return f"/**\n * {self.i.sentence()}\n */\n{react}{imports}\nconst DEFAULT_LIMIT = {self.i.n()};\n"

    def params(self, k: int) -> tuple[str, list[str]]:
        names = list(dict.fromkeys(_camel(self.i.noun()) for _ in range(k)))
        out = []
        for j, p in enumerate(names):
            t = self.r.choice(self.TYPES)
            out.append(f"{p}?: {t}" if j == len(names) - 1 and self.r.random() < 0.3 else f"{p}: {t}")
        return ", ".join(out), names

    def stmts(self, names: list[str]) -> str:
        r, i = self.r, self.i
        p = lambda: r.choice(names) if names else "DEFAULT_LIMIT"  # noqa: E731
        lines = ["const result: unknown[] = [];"]
        for _ in range(r.randint(2, 7)):
            k = r.randrange(6)
            if k == 0:
                lines.append(f'if ({p()} === undefined) {{\n  throw new Error("{i.msg()}");\n}}')
            elif k == 1:
                lines.append(f"for (let index = 0; index < {i.n()}; index++) {{\n  result.push(index * DEFAULT_LIMIT);\n}}")
            elif k == 2:
                lines.append(f"const total = [{i.n()}, {i.n()}, {i.n()}].reduce((acc, x) => acc + x, 0) + String({p()}).length;\nresult.push(total);")
            elif k == 3:
                lines.append(f"try {{\n  result.push(JSON.parse(JSON.stringify({p()})));\n}} catch (err) {{\n  console.warn(`{i.msg()}: ${{err}}`);\n}}")
            elif k == 4:
                lines.append(f"switch (result.length) {{\n  case 0:\n    result.push(\"{r.choice(_WORDS)}\");\n    break;\n  default:\n    result.pop();\n}}")
            else:
                lines.append(f"const mapped = result.map((item) => ({{ item, at: Date.now() }}));\nresult.splice(0, mapped.length > {i.n()} ? 1 : 0);")
        lines.append("return result;")
        return "\n".join(lines)

    def method(self, private: bool) -> str:
        r, i = self.r, self.i
        sig, names = self.params(r.randint(0, 4))
        mod = "private " if private else r.choice(("", "public ", "async ", "public async ", "static "))
        ret = "Promise<unknown[]>" if "async" in mod else "unknown[]"
        doc = "" if private else f"/**\n * {i.sentence()}\n */\n"
        return f"{doc}{mod}{_camel(i.verb_noun())}({sig}): {ret} {{\n{_indent(self.stmts(names), '  ')}\n}}"

    def unit(self) -> str:
        r, i = self.r, self.i
        k = r.random()
        if self.jsx and k < 0.35:
            name = i.type_name()
            props = "; ".join(f"{_camel(i.noun())}: {r.choice(self.TYPES)}" for _ in range(r.randint(1, 4)))
            w = r.choice(_WORDS)
            return (
                f"\n\nexport type {name}Props = {{ {props} }};\n\n"
                f"export function {name}(props: {name}Props): JSX.Element {{\n"
                f"  const [{w}, set{w.capitalize()}] = useState<number>({i.n()});\n"
                f"  const label = `{i.sentence()}`;\n"
                f"  return (\n    <div className=\"{w}-panel\" onClick={{() => set{w.capitalize()}({w} + 1)}}>\n"
                f"      <h2>{{label}}</h2>\n      <span>{{{w}}}</span>\n    </div>\n  );\n}}\n"
            )
        if k < 0.45:
            cls = i.type_name()
            field_t = r.choice(self.TYPES)
            members = [self.method(private=r.random() < 0.3) for _ in range(r.randint(2, 6))]
            body = "\n\n".join(_indent(m, "  ") for m in members)
            ext = f" extends {i.type_name()}Base" if r.random() < 0.2 else ""
            return (
                f"\n\n/**\n * {i.sentence()}\n */\nexport class {cls}{ext} {{\n"
                f"  private readonly {_camel(i.noun())}: {field_t};\n\n"
                f"  constructor(private readonly options: {cls}Options, value: {field_t}) {{\n"
                f"    {'super();' if ext else ''}\n    this.{_camel(i.noun())} = value;\n  }}\n\n{body}\n}}\n"
                f"\nexport interface {cls}Options {{\n"
                + "".join(f"  {_camel(i.noun())}{'?' if r.random() < 0.3 else ''}: {r.choice(self.TYPES)};\n" for _ in range(r.randint(1, 5)))
                + "}\n"
            )
        if k < 0.55:
            if r.random() < 0.5:
                return f"\n\nexport type {i.type_name()} = {' | '.join(r.sample(self.TYPES, 3))};\n"
            members = ", ".join(dict.fromkeys(_pascal(i.noun()) for _ in range(r.randint(2, 6))))
            return f"\n\nexport enum {i.type_name()} {{ {members} }}\n"
        sig, names = self.params(r.randint(1, 4))
        private = k > 0.9
        exp = "" if private else "export "
        asy = "async " if r.random() < 0.3 else ""
        ret = "Promise<unknown[]>" if asy else "unknown[]"
        return (
            f"\n\n{'' if private else '/** ' + i.sentence() + ' */' + chr(10)}{exp}{asy}function {_camel(i.verb_noun())}({sig}): {ret} {{\n"
            f"{_indent(self.stmts(names), '  ')}\n}}\n"
        )


class TsxR(TsR):
    jsx = True


class JsR(TsR):
    def header(self) -> str:
        return f"/**\n * {self.i.sentence()}\n */\n'use strict';\n\nconst DEFAULT_LIMIT = {self.i.n()};\n"

    def unit(self) -> str:
        r, i = self.r, self.i
        names = list(dict.fromkeys(_camel(i.noun()) for _ in range(r.randint(1, 4))))
        body = _indent(self.stmts(names).replace("const result: unknown[] = [];", "const result = [];"), "  ")
        if r.random() < 0.35:
            cls = i.type_name()
            methods = []
            for _ in range(r.randint(2, 5)):
                ps = ", ".join(dict.fromkeys(_camel(i.noun()) for _ in range(r.randint(0, 3))))
                priv = "#" if r.random() < 0.2 else ""
                methods.append(f"  /** {i.sentence()} */\n  {priv}{_camel(i.verb_noun())}({ps}) {{\n{_indent(body, '  ')}\n  }}")
            return f"\n\nexport class {cls} {{\n  constructor(options) {{\n    this.options = options;\n  }}\n\n" + "\n\n".join(methods) + "\n}\n"
        exp = "export " if r.random() < 0.8 else ""
        return f"\n\n/**\n * {i.sentence()}\n * @param {{*}} {names[0]}\n */\n{exp}function {_camel(i.verb_noun())}({', '.join(names)}) {{\n{body}\n}}\n"


class GoR(Renderer):
    TYPES = ("string", "int", "int64", "float64", "bool", "[]string", "map[string]int", "[]byte", "time.Duration")

    def header(self) -> str:
        deps = self.ctx.package.deps if self.ctx.package else []
        internal = "".join(f'\t"{d.name}"\n' for d in deps[:2])
        return (
            f"// Package {self.ctx.module} {self.i.sentence().lower()}\npackage {self.ctx.module}\n\n"
            f'import (\n\t"context"\n\t"errors"\n\t"fmt"\n\t"log"\n\t"time"\n\n{internal})\n\n'
            f'var errInvalid = errors.New("{self.i.msg()}")\n'
        )

    def params(self, k: int) -> tuple[str, list[str]]:
        names = list(dict.fromkeys(_camel(self.i.noun()) for _ in range(k)))
        return ", ".join(f"{p} {self.r.choice(self.TYPES)}" for p in names), names

    def stmts(self, names: list[str], ret: str) -> str:
        r, i = self.r, self.i
        p = lambda: r.choice(names) if names else "ctx"  # noqa: E731
        lines = ["var out []string", "total := 0"]
        for _ in range(r.randint(2, 7)):
            k = r.randrange(6)
            if k == 0:
                lines.append(f'if {p()} == nil {{\n\treturn {ret}fmt.Errorf("{i.msg()}: %w", errInvalid)\n}}')
            elif k == 1:
                lines.append(f"for i := 0; i < {i.n()}; i++ {{\n\ttotal += i * {i.n()}\n}}")
            elif k == 2:
                lines.append(f'out = append(out, fmt.Sprintf("%v-%d", {p()}, total))')
            elif k == 3:
                lines.append(f'switch total % {r.randint(2, 7)} {{\ncase 0:\n\tlog.Printf("{i.msg()} %d", total)\ndefault:\n\ttotal--\n}}')
            elif k == 4:
                lines.append(f"select {{\ncase <-ctx.Done():\n\treturn {ret}ctx.Err()\ncase <-time.After({i.n()} * time.Millisecond):\n}}")
            else:
                lines.append(f"for key, value := range map[string]int{{\"{r.choice(_WORDS)}\": {i.n()}}} {{\n\tout = append(out, key)\n\ttotal += value\n}}")
        lines.append(f"return {ret}nil")
        return "\n".join(lines)

    def unit(self) -> str:
        r, i = self.r, self.i
        k = r.random()
        if k < 0.5:
            t = i.type_name()
            fields = "\n".join(f"\t{_pascal(i.noun()) if r.random() < 0.7 else _camel(i.noun())} {r.choice(self.TYPES)}" for _ in range(r.randint(2, 6)))
            recv = t[0].lower()
            out = [f"\n// {t} {i.sentence().lower()}\ntype {t} struct {{\n{fields}\n\tmu chan struct{{}}\n}}\n",
                   f"\n// New{t} {i.sentence().lower()}\nfunc New{t}(opts ...func(*{t})) *{t} {{\n\tv := &{t}{{}}\n\tfor _, o := range opts {{\n\t\to(v)\n\t}}\n\treturn v\n}}\n"]
            for _ in range(r.randint(2, 5)):
                sig, names = self.params(r.randint(0, 3))
                name = _pascal(i.verb_noun()) if r.random() < 0.75 else _camel(i.verb_noun())
                sig = "ctx context.Context" + (", " + sig if sig else "")
                out.append(f"\n// {name} {i.sentence().lower()}\nfunc ({recv} *{t}) {name}({sig}) ([]string, error) {{\n{_indent(self.stmts(names, 'out, '), chr(9))}\n}}\n")
            return "".join(out)
        if k < 0.6:
            t = i.type_name()
            methods = "\n".join(f"\t{_pascal(i.verb_noun())}(ctx context.Context, {_camel(i.noun())} {r.choice(self.TYPES)}) error" for _ in range(r.randint(1, 4)))
            consts = "\n".join(f"\t{t}{_pascal(i.noun())}{j} = {j}" for j in range(r.randint(1, 4)))
            return f"\n// {t}er {i.sentence().lower()}\ntype {t}er interface {{\n{methods}\n}}\n\nconst (\n{consts}\n)\n"
        sig, names = self.params(r.randint(1, 4))
        name = _pascal(i.verb_noun()) if k < 0.9 else _camel(i.verb_noun())
        sig = "ctx context.Context, " + sig
        return f"\n// {name} {i.sentence().lower()}\nfunc {name}({sig}) ([]string, error) {{\n{_indent(self.stmts(names, 'out, '), chr(9))}\n}}\n"


class RustR(Renderer):
    TYPES = ("u32", "u64", "i64", "usize", "f64", "bool", "String", "&str", "Vec<String>", "Option<u64>",
             "HashMap<String, u64>", "&[u8]")

    def header(self) -> str:
        deps = self.ctx.package.deps if self.ctx.package else []
        uses = "".join(f"use {d.name.replace('-', '_')}::{self.i.type_name()};\n" for d in deps[:2])
        return (f"//! {self.i.sentence()}\n//! {self.i.sentence()}\n\nuse std::collections::HashMap;\nuse std::fmt;\n"
                f"{uses}\npub const DEFAULT_{_snake(self.i.noun()).upper()}: usize = {self.i.n()};\n")

    def params(self, k: int) -> tuple[str, list[str]]:
        names = list(dict.fromkeys(_snake(self.i.noun()) for _ in range(k)))
        return ", ".join(f"{p}: {self.r.choice(self.TYPES)}" for p in names), names

    def stmts(self, names: list[str]) -> str:
        r, i = self.r, self.i
        p = lambda: r.choice(names) if names else "self"  # noqa: E731
        lines = ["let mut out: Vec<String> = Vec::new();"]
        for _ in range(r.randint(2, 7)):
            k = r.randrange(6)
            if k == 0:
                lines.append(f'if out.len() > {i.n()} {{\n    return Err(format!("{i.msg()}: {{:?}}", out.len()));\n}}')
            elif k == 1:
                lines.append(f"for index in 0..{i.n()} {{\n    out.push(format!(\"{{}}-{{}}\", index, {i.n()}));\n}}")
            elif k == 2:
                lines.append(f'let label = format!("{{:?}}", {p()});\nout.push(label);')
            elif k == 3:
                lines.append(f"match out.len() {{\n    0 => out.push(String::from(\"{r.choice(_WORDS)}\")),\n    n if n > {i.n()} => out.truncate({i.n()}),\n    _ => {{}}\n}}")
            elif k == 4:
                lines.append(f"let total: usize = out.iter().map(|s| s.len()).sum();\nif total == {i.n()} {{\n    out.clear();\n}}")
            else:
                lines.append(f"while let Some(last) = out.pop() {{\n    if last.len() < {i.n()} {{\n        break;\n    }}\n}}")
        lines.append("Ok(out)")
        return "\n".join(lines)

    def fn(self, method: bool, private: bool) -> str:
        r, i = self.r, self.i
        sig, names = self.params(r.randint(0, 4))
        if method:
            sig = r.choice(("&self", "&mut self")) + (", " + sig if sig else "")
        doc = "" if private else f"/// {i.sentence()}\n"
        vis = "" if private else "pub "
        return f"{doc}{vis}fn {_snake(i.verb_noun())}({sig}) -> Result<Vec<String>, String> {{\n{_indent(self.stmts(names), '    ')}\n}}"

    def unit(self) -> str:
        r, i = self.r, self.i
        k = r.random()
        if k < 0.5:
            t = i.type_name()
            fields = "\n".join(f"    {'pub ' if r.random() < 0.6 else ''}{_snake(i.noun())}_{j}: {r.choice(self.TYPES).replace('&str', 'String').replace('&[u8]', 'Vec<u8>')}," for j in range(r.randint(2, 6)))
            methods = "\n\n".join(_indent(self.fn(True, r.random() < 0.3), "    ") for _ in range(r.randint(2, 5)))
            return (f"\n/// {i.sentence()}\n#[derive(Debug, Clone, Default)]\npub struct {t} {{\n{fields}\n}}\n\n"
                    f"impl {t} {{\n    /// Creates a new value.\n    pub fn new() -> Self {{\n        Self::default()\n    }}\n\n{methods}\n}}\n"
                    f"\nimpl fmt::Display for {t} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        write!(f, \"{t}\")\n    }}\n}}\n")
        if k < 0.62:
            t = i.type_name()
            if r.random() < 0.5:
                sigs = "\n".join(f"    fn {_snake(i.verb_noun())}(&self, {_snake(i.noun())}: {r.choice(self.TYPES)}) -> bool;" for _ in range(r.randint(1, 4)))
                return f"\n/// {i.sentence()}\npub trait {t} {{\n{sigs}\n}}\n"
            variants = ",\n".join(dict.fromkeys(f"    {_pascal(i.noun())}" for _ in range(r.randint(2, 6))))
            return f"\n/// {i.sentence()}\n#[derive(Debug, Clone, Copy, PartialEq, Eq)]\npub enum {t} {{\n{variants},\n}}\n"
        return "\n" + self.fn(False, k > 0.9) + "\n"


class JavaR(Renderer):
    TYPES = ("int", "long", "double", "boolean", "String", "List<String>", "Map<String, Integer>", "Optional<String>", "byte[]")

    def header(self) -> str:
        return (f"package {self.ctx.module};\n\nimport java.util.ArrayList;\nimport java.util.List;\nimport java.util.Map;\n"
                f"import java.util.Optional;\n\n/**\n * {self.i.sentence()}\n */\npublic class {self.ctx.main_type} {{\n\n"
                f"    public static final int DEFAULT_LIMIT = {self.i.n()};\n")

    def footer(self) -> str:
        return "}\n"

    def params(self, k: int) -> tuple[str, list[str]]:
        names = list(dict.fromkeys(_camel(self.i.noun()) for _ in range(k)))
        return ", ".join(f"{self.r.choice(self.TYPES)} {p}" for p in names), names

    def stmts(self, names: list[str]) -> str:
        r, i = self.r, self.i
        p = lambda: r.choice(names) if names else "DEFAULT_LIMIT"  # noqa: E731
        lines = ["List<String> out = new ArrayList<>();"]
        for _ in range(r.randint(2, 7)):
            k = r.randrange(5)
            if k == 0:
                lines.append(f'if (out.size() > {i.n()}) {{\n    throw new IllegalStateException("{i.msg()}");\n}}')
            elif k == 1:
                lines.append(f"for (int index = 0; index < {i.n()}; index++) {{\n    out.add(String.valueOf(index * DEFAULT_LIMIT));\n}}")
            elif k == 2:
                lines.append(f"out.add(String.valueOf({p()}));")
            elif k == 3:
                lines.append(f"try {{\n    out.add(Integer.toString(Integer.parseInt(\"{i.n()}\")));\n}} catch (NumberFormatException e) {{\n    out.clear();\n}}")
            else:
                lines.append(f"switch (out.size()) {{\n    case 0:\n        out.add(\"{r.choice(_WORDS)}\");\n        break;\n    default:\n        out.remove(0);\n}}")
        lines.append("return out;")
        return "\n".join(lines)

    def method(self) -> str:
        r, i = self.r, self.i
        sig, names = self.params(r.randint(0, 4))
        vis = r.choice(("public ", "public ", "public ", "protected ", "private ", "public static "))
        doc = "" if vis.startswith("private") else f"/**\n * {i.sentence()}\n */\n"
        return f"{doc}{vis}List<String> {_camel(i.verb_noun())}({sig}) {{\n{_indent(self.stmts(names), '    ')}\n}}"

    def unit(self) -> str:
        r, i = self.r, self.i
        if r.random() < 0.2:
            t = i.type_name()
            fields = "\n".join(f"    private {r.choice(self.TYPES)} {_camel(i.noun())}{j};" for j in range(r.randint(1, 4)))
            methods = "\n\n".join(_indent(self.method(), "    ") for _ in range(r.randint(1, 4)))
            kind = r.choice(("public static class", "public static final class", "static class"))
            return _indent(f"\n/**\n * {i.sentence()}\n */\n{kind} {t} {{\n{fields}\n\n{methods}\n}}", "    ") + "\n"
        if r.random() < 0.08:
            consts = ", ".join(dict.fromkeys(_snake(i.noun()).upper() for _ in range(r.randint(2, 6))))
            return _indent(f"\npublic enum {i.type_name()} {{ {consts} }}", "    ") + "\n"
        return _indent("\n" + self.method(), "    ") + "\n"


class KotlinR(Renderer):
    TYPES = ("Int", "Long", "Double", "Boolean", "String", "List<String>", "Map<String, Int>", "String?", "ByteArray")

    def header(self) -> str:
        return f"package {self.ctx.module}\n\nimport kotlin.math.max\n\n/** {self.i.sentence()} */\nconst val DEFAULT_LIMIT: Int = {self.i.n()}\n"

    def params(self, k: int) -> tuple[str, list[str]]:
        names = list(dict.fromkeys(_camel(self.i.noun()) for _ in range(k)))
        out = []
        for j, p in enumerate(names):
            t = self.r.choice(self.TYPES)
            out.append(f"{p}: {t} = {self.default(t)}" if j == len(names) - 1 and self.r.random() < 0.3 else f"{p}: {t}")
        return ", ".join(out), names

    @staticmethod
    def default(t: str) -> str:
        return {"Int": "0", "Long": "0L", "Double": "0.0", "Boolean": "false", "String": '""', "String?": "null",
                "List<String>": "emptyList()", "Map<String, Int>": "emptyMap()", "ByteArray": "ByteArray(0)"}[t]

    def stmts(self, names: list[str]) -> str:
        r, i = self.r, self.i
        p = lambda: r.choice(names) if names else "DEFAULT_LIMIT"  # noqa: E731
        lines = ["val out = mutableListOf<String>()"]
        for _ in range(r.randint(2, 7)):
            k = r.randrange(5)
            if k == 0:
                lines.append(f'require(out.size <= {i.n()}) {{ "{i.msg()}" }}')
            elif k == 1:
                lines.append(f"for (index in 0 until {i.n()}) {{\n    out.add((index * DEFAULT_LIMIT).toString())\n}}")
            elif k == 2:
                lines.append(f"out.add({p()}.toString())")
            elif k == 3:
                lines.append(f"when (out.size) {{\n    0 -> out.add(\"{r.choice(_WORDS)}\")\n    else -> out.removeAt(max(0, out.size - 1))\n}}")
            else:
                lines.append(f"val total = out.sumOf {{ it.length }} + {i.n()}\nif (total > {i.n()}) out.clear()")
        lines.append("return out")
        return "\n".join(lines)

    def fun(self, private: bool) -> str:
        r, i = self.r, self.i
        sig, names = self.params(r.randint(0, 4))
        vis = "private " if private else r.choice(("", "", "public ", "internal ", "suspend "))
        doc = "" if private else f"/** {i.sentence()} */\n"
        return f"{doc}{vis}fun {_camel(i.verb_noun())}({sig}): List<String> {{\n{_indent(self.stmts(names), '    ')}\n}}"

    def unit(self) -> str:
        r, i = self.r, self.i
        k = r.random()
        if k < 0.45:
            t = i.type_name()
            ctor = ", ".join(f"{'private ' if r.random() < 0.3 else ''}val {_camel(i.noun())}{j}: {r.choice(self.TYPES)}" for j in range(r.randint(1, 4)))
            methods = "\n\n".join(_indent(self.fun(r.random() < 0.3), "    ") for _ in range(r.randint(2, 5)))
            kw = r.choice(("class", "open class", "class"))
            return f"\n/** {i.sentence()} */\n{kw} {t}({ctor}) {{\n\n{methods}\n\n    companion object {{\n        const val NAME = \"{t}\"\n    }}\n}}\n"
        if k < 0.55:
            t = i.type_name()
            fields = ", ".join(f"val {_camel(i.noun())}{j}: {r.choice(self.TYPES)}" for j in range(r.randint(1, 5)))
            return f"\n/** {i.sentence()} */\ndata class {t}({fields})\n"
        if k < 0.62:
            t = i.type_name()
            sigs = "\n".join(f"    fun {_camel(i.verb_noun())}({_camel(i.noun())}: {r.choice(self.TYPES)}): Boolean" for _ in range(r.randint(1, 4)))
            return f"\n/** {i.sentence()} */\ninterface {t} {{\n{sigs}\n}}\n\nobject {t}Registry {{\n    val entries: MutableMap<String, {t}> = mutableMapOf()\n}}\n"
        return "\n" + self.fun(k > 0.9) + "\n"


class RubyR(Renderer):
    def header(self) -> str:
        return f"# frozen_string_literal: true\n\n# {self.i.sentence()}\nrequire \"json\"\n\nmodule {self.ctx.module}\n"

    def footer(self) -> str:
        return "end\n"

    def stmts(self, names: list[str]) -> str:
        r, i = self.r, self.i
        p = lambda: r.choice(names) if names else "nil"  # noqa: E731
        lines = ["out = []"]
        for _ in range(r.randint(2, 7)):
            k = r.randrange(5)
            if k == 0:
                lines.append(f'raise ArgumentError, "{i.msg()}" if {p()}.nil?')
            elif k == 1:
                lines.append(f"{i.n()}.times do |index|\n  out << index * {i.n()}\nend")
            elif k == 2:
                lines.append(f"out << {p()}.to_s")
            elif k == 3:
                lines.append(f"case out.size\nwhen 0\n  out << \"{r.choice(_WORDS)}\"\nelse\n  out.pop\nend")
            else:
                lines.append(f"begin\n  out << JSON.parse(\"[{i.n()}]\").first\nrescue JSON::ParserError => e\n  warn(e.message)\nend")
        lines.append("out")
        return "\n".join(lines)

    def meth(self) -> str:
        r, i = self.r, self.i
        names = list(dict.fromkeys(_snake(i.noun()) for _ in range(r.randint(0, 3))))
        ps = ", ".join(names[:-1] + [f"{names[-1]} = nil"]) if names and r.random() < 0.3 else ", ".join(names)
        return f"# {i.sentence()}\ndef {_snake(i.verb_noun())}({ps})\n{_indent(self.stmts(names), '  ')}\nend"

    def unit(self) -> str:
        r, i = self.r, self.i
        t = i.type_name()
        public = "\n\n".join(_indent(self.meth(), "  ") for _ in range(r.randint(1, 4)))
        private = "\n\n".join(_indent(self.meth(), "  ") for _ in range(r.randint(0, 2)))
        attrs = ", ".join(f":{_snake(i.noun())}" for _ in range(r.randint(1, 3)))
        body = f"  attr_reader {attrs}\n\n  def initialize(options = {{}})\n    @options = options\n  end\n\n{public}\n"
        if private:
            body += f"\n  private\n\n{private}\n"
        return _indent(f"\n# {i.sentence()}\nclass {t}\n{body}end", "  ") + "\n"


class PerlR(Renderer):
    def header(self) -> str:
        return f"package {self.ctx.module};\n\n# {self.i.sentence()}\nuse strict;\nuse warnings;\nuse Carp qw(croak);\n\nour $VERSION = '0.{self.r.randint(1, 99)}';\n"

    def footer(self) -> str:
        return "\n1;\n"

    def unit(self) -> str:
        r, i = self.r, self.i
        names = list(dict.fromkeys(_snake(i.noun()) for _ in range(r.randint(0, 3))))
        args = ", ".join(["$self"] + [f"${n}" for n in names])
        lines = ["my @out;"]
        for _ in range(r.randint(2, 7)):
            k = r.randrange(4)
            p = f"${r.choice(names)}" if names else "$self"
            if k == 0:
                lines.append(f'croak "{i.msg()}" unless defined {p};')
            elif k == 1:
                lines.append(f"for my $index (0 .. {i.n()}) {{\n    push @out, $index * {i.n()};\n}}")
            elif k == 2:
                lines.append(f"my %seen = map {{ $_ => 1 }} @out;\npush @out, scalar keys %seen;")
            else:
                lines.append(f"if (@out > {i.n()}) {{\n    splice @out, 0, 1;\n}}\nelse {{\n    push @out, \"{r.choice(_WORDS)}\";\n}}")
        lines.append("return wantarray ? @out : \\@out;")
        name = ("_" if r.random() < 0.2 else "") + _snake(i.verb_noun())
        pod = "" if name.startswith("_") else f"\n=head2 {name}\n\n{i.sentence()}\n\n=cut\n"
        return f"{pod}\nsub {name} {{\n    my ({args}) = @_;\n{_indent(chr(10).join(lines), '    ')}\n}}\n"


class ProtoR(Renderer):
    TYPES = ("string", "int32", "int64", "bool", "bytes", "double", "uint64")

    def header(self) -> str:
        return (f"syntax = \"proto3\";\n\n// {self.i.sentence()}\npackage {self.ctx.module};\n\n"
                f"option go_package = \"{GO_PREFIX}/gen/{self.ctx.module.replace('.', '/')}\";\n")

    def unit(self) -> str:
        r, i = self.r, self.i
        t = i.type_name()
        if r.random() < 0.2:
            rpcs = "\n".join(f"  rpc {_pascal(i.verb_noun())}({t}Request) returns ({t}Response);" for _ in range(r.randint(1, 4)))
            return (f"\n// {i.sentence()}\nservice {t}Service {{\n{rpcs}\n}}\n\nmessage {t}Request {{\n  string id = 1;\n}}\n\n"
                    f"message {t}Response {{\n  repeated string items = 1;\n}}\n")
        if r.random() < 0.2:
            vals = "\n".join(f"  {_snake([t.upper()] + i.noun()).upper()}_{j} = {j};" for j in range(r.randint(2, 5)))
            return f"\nenum {t}Kind {{\n{vals}\n}}\n"
        fields = "\n".join(f"  {'repeated ' if r.random() < 0.2 else ''}{r.choice(self.TYPES)} {_snake(i.noun())}_{j} = {j + 1};" for j in range(r.randint(2, 8)))
        return f"\n// {i.sentence()}\nmessage {t} {{\n{fields}\n}}\n"


RENDERERS: dict[str, type[Renderer]] = {
    "python": PythonR, "typescript": TsR, "tsx": TsxR, "javascript": JsR, "go": GoR, "rust": RustR,
    "java": JavaR, "kotlin": KotlinR, "ruby": RubyR, "perl": PerlR, "proto": ProtoR,
}

# --------------------------------------------------------------------------
# Layout: packages, manifests, file lists.
# --------------------------------------------------------------------------


@dataclass
class Pkg:
    eco: str
    slug: str
    dir: str = ""
    name: str = ""  # the name other packages depend on (npm name, crate, module path, ...)
    module: str = ""  # import namespace (python module, java package, perl package, ...)
    flavor: str = ""  # npm: ts|tsx|js; python: project|poetry; go: service|lib
    deps: list["Pkg"] = field(default_factory=list)
    nfiles: int = 0
    nested: bool = False
    version: str = "0.1.0"
    parent: "Pkg | None" = None


@dataclass
class Spec:
    """One file to write: literal text, or a source to render to ``size`` bytes."""

    path: str
    text: str | None = None
    language: str | None = None
    size: int = 0
    pkg: Pkg | None = None
    module: str = ""
    main_type: str = ""


def _draw_size(r: random.Random) -> int:
    x = r.random()
    if x < 0.015:
        return int(math.exp(r.uniform(math.log(50_000), math.log(200_000))))
    if x < 0.06:
        return r.randint(200, 1000)
    return int(min(20_000, max(1_000, r.lognormvariate(math.log(4_500), 0.7))))


class Planner:
    def __init__(self, seed: int, n_packages: int, files_per_package: int) -> None:
        self.r = random.Random(f"symidx-bench-layout:{seed}")
        self.seed = seed
        self.n = n_packages
        self.fpp = files_per_package
        self.specs: list[Spec] = []
        self.pkgs: list[Pkg] = []
        self.roots: dict[str, str] = {}  # workspace root dirs that are packages themselves -> eco
        self._slugs: set[str] = set()

    def slug(self) -> str:
        while True:
            w = [self.r.choice(_WORDS) for _ in range(2 if len(self._slugs) < 150 else 3)]
            s = "-".join(dict.fromkeys(w))
            if s not in self._slugs and "-" in s:
                self._slugs.add(s)
                return s

    def add(self, path: str, text: str) -> None:
        self.specs.append(Spec(path, text=text))

    def src(self, path: str, language: str, pkg: Pkg | None, module: str = "", main_type: str = "",
            size: int | None = None) -> None:
        self.specs.append(Spec(path, language=language, size=size or _draw_size(self.r), pkg=pkg,
                               module=module, main_type=main_type))

    # -- planning ---------------------------------------------------------

    def plan(self) -> None:
        r = self.r
        # Every ecosystem and flavour first, so even a tiny tree has each manifest shape.
        picks = list(_FIRST) + [(e, "") for e in r.choices(ECOSYSTEMS, _ECO_WEIGHTS, k=self.n - len(_FIRST))]
        pkgs: list[Pkg] = []
        for k, (eco, flavor) in enumerate(picks):
            nested = k >= len(_FIRST) and r.random() < _NESTED_SHARE and pkgs
            if nested:
                eco = r.choice(_NESTED_KINDS)
            p = Pkg(eco=eco, slug=self.slug(), nested=bool(nested), flavor=flavor,
                    version=f"{r.randint(0, 3)}.{r.randint(0, 20)}.{r.randint(0, 9)}")
            if nested:
                p.parent = r.choice([q for q in pkgs if not q.nested])
                p.dir = f"{r.choice(('tools', 'web', 'plugins', 'contrib', 'sdk'))}/{p.slug}"  # under the parent's dir
            pkgs.append(p)
        weights = [r.lognormvariate(0, 0.8) for _ in pkgs]
        scale = self.n * self.fpp / sum(weights)
        for p, w in zip(pkgs, weights):
            p.nfiles = max(4, min(1500, round(w * scale)))
        for p in pkgs:  # parents come first, so their directory is known
            if p.parent is not None:
                p.dir = f"{p.parent.dir}/{p.dir}"
            getattr(self, f"name_{p.eco}")(p)
        by_eco: dict[str, list[Pkg]] = {}
        for p in pkgs:
            peers = [q for q in by_eco.get(p.eco, []) if q.nested == p.nested or p.eco == "go"]
            if peers:
                p.deps = sorted(r.sample(peers, min(len(peers), r.choice((0, 1, 1, 2, 2, 3, 4)))), key=lambda q: q.name)
            by_eco.setdefault(p.eco, []).append(p)
        self.pkgs = pkgs
        for p in pkgs:
            getattr(self, f"plan_{p.eco}")(p)
        self.plan_roots(by_eco)
        self.plan_loose()

    def split(self, p: Pkg, overhead: int) -> tuple[int, int, int]:
        """(sources, tests, generated) for a package's file budget."""
        n = max(2, p.nfiles - overhead)
        tests = max(1, round(n * self.r.uniform(0.08, 0.22)))
        gen = round(n * 0.03) if self.r.random() < 0.5 else 0
        return max(1, n - tests - gen), tests, gen

    def subdirs(self, k: int) -> list[str]:
        """Nested module directories (1-3 deep) for k source files."""
        r = self.r
        dirs = [""]
        for _ in range(max(0, k // 10)):
            base = r.choice(dirs)
            d = f"{base}/{_snake([r.choice(_WORDS)])}".lstrip("/")
            if d not in dirs and d.count("/") < 3:
                dirs.append(d)
        return dirs

    def unique(self, made: set[str], stem: Callable[[], str]) -> str:
        while True:
            s = stem()
            if s not in made:
                made.add(s)
                return s

    # -- naming -------------------------------------------------------------

    def name_npm(self, p: Pkg) -> None:
        p.flavor = p.flavor or self.r.choices(("ts", "tsx", "js"), (0.6, 0.25, 0.15))[0]
        if not p.nested:
            p.dir = f"js/{'apps' if p.flavor == 'tsx' else 'packages'}/{p.slug}"
        p.name = f"@mono/{p.slug}"

    def name_cargo(self, p: Pkg) -> None:
        p.dir, p.name = f"rust/crates/{p.slug}", f"mono-{p.slug}"

    def name_go(self, p: Pkg) -> None:
        p.flavor = self.r.choice(("services", "libs"))
        if not p.nested:
            p.dir = f"go/{p.flavor}/{p.slug}"
        p.name = f"{GO_PREFIX}/{p.dir}"
        p.module = p.slug.replace("-", "")

    def name_python(self, p: Pkg) -> None:
        p.flavor = p.flavor or self.r.choice(("project", "project", "poetry"))
        if not p.nested:
            p.dir = f"python/{p.slug}"
        p.name, p.module = f"mono-{p.slug}", "mono_" + p.slug.replace("-", "_")

    def name_maven(self, p: Pkg) -> None:
        p.dir, p.name = f"java/{p.slug}", p.slug
        p.module = f"{GROUP}.{p.slug.replace('-', '')}"

    def name_gradle(self, p: Pkg) -> None:
        p.dir, p.name = f"kotlin/{p.slug}", f":{p.slug}"
        p.module = f"{GROUP}.{p.slug.replace('-', '')}"

    def name_ruby(self, p: Pkg) -> None:
        p.dir, p.name = f"ruby/{p.slug}", "mono_" + p.slug.replace("-", "_")
        p.module = "Mono" + _pascal(p.slug.split("-"))

    def name_perl(self, p: Pkg) -> None:
        parts = ["Mono", *(w.capitalize() for w in p.slug.split("-"))]
        p.dir, p.name, p.module = f"perl/{'-'.join(parts)}", "::".join(parts), "::".join(parts)

    # -- per ecosystem ------------------------------------------------------

    def common(self, p: Pkg, desc: str) -> None:
        self.add(f"{p.dir}/README.md", f"# {p.name}\n\n{desc}\n\n## Usage\n\nSee the examples below.\n")

    def desc(self) -> str:
        return Ids(self.r).sentence()

    def plan_npm(self, p: Pkg) -> None:
        r = self.r
        desc = self.desc()
        # Nested packages sit outside the workspace globs: they depend by version range.
        deps = {d.name: "workspace:*" if not p.nested else f"^{d.version}" for d in p.deps}
        ext = {"ts": ["lodash", "zod", "date-fns", "axios"], "tsx": ["react", "react-dom", "clsx", "swr"],
               "js": ["lodash", "commander", "chalk", "debug"]}[p.flavor]
        for e in r.sample(ext, r.randint(1, 3)):
            deps[e] = f"^{r.randint(1, 18)}.{r.randint(0, 9)}.0"
        manifest = {
            "name": p.name, "version": p.version, "description": desc,
            "main": "lib/index.js" if p.flavor == "js" else "dist/index.js",
            "scripts": {"build": "tsc -b", "test": "vitest run"},
            "dependencies": dict(sorted(deps.items())),
            "devDependencies": {"typescript": "~5.4.0", "vitest": "^1.6.0"},
        }
        if p.flavor == "tsx":
            manifest["peerDependencies"] = {"react": ">=18"}
        if r.random() < 0.15:
            manifest["optionalDependencies"] = {"fsevents": "^2.3.3"}
        self.add(f"{p.dir}/package.json", json.dumps(manifest, indent=2) + "\n")
        self.common(p, desc)
        lang, e, root = {"ts": ("typescript", "ts", "src"), "tsx": ("tsx", "tsx", "src"), "js": ("javascript", "js", "lib")}[p.flavor]
        if p.flavor != "js":
            self.add(f"{p.dir}/tsconfig.json", '{\n  "extends": "../../tsconfig.base.json",\n  "compilerOptions": {"outDir": "dist"},\n  "include": ["src"]\n}\n')
        nsrc, ntest, ngen = self.split(p, 3)
        dirs, made = self.subdirs(nsrc), set()
        self.src(f"{p.dir}/{root}/index.{e if p.flavor != 'tsx' else 'ts'}", "typescript" if p.flavor == "tsx" else lang, p, size=r.randint(200, 1500))
        for _ in range(nsrc - 1):
            d = r.choice(dirs)
            stem = self.unique(made, lambda: f"{d}/{_camel(Ids(r).noun()) if p.flavor != 'tsx' else Ids(r).type_name()}".lstrip("/"))
            use_lang, use_e = (lang, e) if p.flavor != "tsx" or r.random() < 0.7 else ("typescript", "ts")
            self.src(f"{p.dir}/{root}/{stem}.{use_e}", use_lang, p)
        for k in range(ntest):
            where = f"{root}/__tests__/" if r.random() < 0.5 else f"{root}/"
            self.src(f"{p.dir}/{where}{_camel(Ids(r).noun())}{k}.test.{e}", lang, p, size=r.randint(800, 6000))
        for k in range(ngen):
            self.src(f"{p.dir}/{root}/generated/{_camel(Ids(r).noun())}{k}.generated.{'js' if p.flavor == 'js' else 'ts'}",
                     "javascript" if p.flavor == "js" else "typescript", p, size=r.randint(5000, 40000))

    def plan_cargo(self, p: Pkg) -> None:
        r = self.r
        desc = self.desc()
        lines = [f'[package]\nname = "{p.name}"\nversion.workspace = true\nedition.workspace = true\n'
                 f'description = "{desc}"\nlicense.workspace = true\n\n[dependencies]']
        for d in p.deps:
            lines.append(f"{d.name} = {{ workspace = true }}" if r.random() < 0.6 else f'{d.name} = {{ path = "../{d.slug}" }}')
        for e in sorted(r.sample(["serde", "tokio", "anyhow", "thiserror", "tracing"], r.randint(1, 3))):
            lines.append(f"{e} = {{ workspace = true }}" if e != "tracing" else 'tracing = "0.1"')
        lines.append('\n[dev-dependencies]\nproptest = { workspace = true }')
        build = r.random() < 0.25
        if build:
            lines.append('\n[build-dependencies]\ncc = "1.0"')
        lines.append(f'\n[target.\'cfg(unix)\'.dependencies]\nlibc = "0.2"' if r.random() < 0.2 else "")
        self.add(f"{p.dir}/Cargo.toml", "\n".join(lines).rstrip() + "\n")
        self.common(p, desc)
        nsrc, ntest, _ = self.split(p, 2 + build)
        if build:
            self.src(f"{p.dir}/build.rs", "rust", p, size=r.randint(300, 1500))
        self.src(f"{p.dir}/src/lib.rs", "rust", p)
        made: set[str] = set()
        mods = [self.unique(made, lambda: _snake(Ids(r).noun())) for _ in range(max(1, nsrc // 6))]
        for k in range(nsrc - 1):
            m = mods[k % len(mods)]
            if k < len(mods):
                self.src(f"{p.dir}/src/{m}/mod.rs", "rust", p)
            else:
                self.src(f"{p.dir}/src/{m}/{self.unique(made, lambda: _snake(Ids(r).noun()))}.rs", "rust", p)
        for k in range(ntest):
            self.src(f"{p.dir}/tests/{_snake(Ids(r).noun())}_{k}.rs", "rust", p, size=r.randint(800, 6000))

    def plan_go(self, p: Pkg) -> None:
        r = self.r
        desc = self.desc()
        req = [f"\t{d.name} v0.0.0-00010101000000-000000000000" for d in p.deps]
        ext = r.sample(["github.com/google/uuid v1.6.0", "golang.org/x/sync v0.7.0", "google.golang.org/grpc v1.64.0",
                        "github.com/prometheus/client_golang v1.19.1", "go.uber.org/zap v1.27.0"], r.randint(1, 3))
        req += [f"\t{e}" for e in sorted(ext)]
        indirect = "\nrequire golang.org/x/text v0.15.0 // indirect\n" if r.random() < 0.5 else ""
        self.add(f"{p.dir}/go.mod", f"module {p.name}\n\ngo 1.22\n\nrequire (\n" + "\n".join(req) + f"\n)\n{indirect}")
        self.common(p, desc)
        nsrc, ntest, ngen = self.split(p, 2)
        subs = ["", *(f"{r.choice(('internal', 'pkg'))}/{_snake([w])}" for w in r.sample(_WORDS, min(len(_WORDS), nsrc // 8)))]
        made: set[str] = set()
        files_by_dir: dict[str, list[str]] = {}
        for _ in range(nsrc):
            d = r.choice(subs)
            name = self.unique(made, lambda: f"{d}/{_snake(Ids(r).noun())}".lstrip("/"))
            pkgname = d.rsplit("/", 1)[-1] if d else p.module
            self.src(f"{p.dir}/{name}.go", "go", p, module=pkgname)
            files_by_dir.setdefault(d, []).append(name)
        for k in range(ntest):
            d = r.choice(list(files_by_dir))
            pkgname = d.rsplit("/", 1)[-1] if d else p.module
            self.src(f"{p.dir}/{d + '/' if d else ''}{_snake(Ids(r).noun())}_{k}_test.go", "go", p, module=pkgname, size=r.randint(800, 8000))
        if ngen or r.random() < 0.3:
            api = _snake(Ids(r).noun())
            self.src(f"{p.dir}/proto/{api}.proto", "proto", p, module=f"mono.{p.module}.v1", size=r.randint(800, 5000))
            for k in range(max(1, ngen)):
                self.src(f"{p.dir}/{api}pb/{api}_{k}.pb.go", "go", p, module=f"{api}pb", size=r.randint(10_000, 60_000))

    def plan_python(self, p: Pkg) -> None:
        r = self.r
        desc = self.desc()
        ext = r.sample(["requests>=2.31", "pydantic>=2.6", "sqlalchemy>=2.0", "click>=8.1", "httpx>=0.27", "attrs>=23.2"], r.randint(1, 3))
        if p.flavor == "project":
            deps = sorted([f"{d.name}>={d.version}" for d in p.deps] + ext)
            dep_lines = "".join(f'    "{d}",\n' for d in deps)
            text = (f'[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\n'
                    f'name = "{p.name}"\nversion = "{p.version}"\ndescription = "{desc}"\nrequires-python = ">=3.11"\n'
                    f"dependencies = [\n{dep_lines}]\n\n[project.optional-dependencies]\n"
                    f'test = ["pytest>=8", "pytest-cov>=5"]\ndocs = ["mkdocs>=1.6"]\n')
            root = f"src/{p.module}"
        else:
            deps = "".join(f'{d.name} = {{ path = "../{d.slug}", develop = true }}\n' for d in p.deps if not d.nested)
            deps += "".join(f'{e.split(">=")[0]} = "^{e.split(">=")[1]}"\n' for e in sorted(ext))
            text = (f'[tool.poetry]\nname = "{p.name}"\nversion = "{p.version}"\ndescription = "{desc}"\n'
                    f'authors = ["Mono Team <team@example.com>"]\npackages = [{{ include = "{p.module}" }}]\n\n'
                    f'[tool.poetry.dependencies]\npython = "^3.11"\n{deps}\n[tool.poetry.group.dev.dependencies]\n'
                    f'pytest = "^8.2"\nmypy = "^1.10"\n\n[build-system]\nrequires = ["poetry-core"]\n'
                    f'build-backend = "poetry.core.masonry.api"\n')
            root = p.module
        self.add(f"{p.dir}/pyproject.toml", text)
        self.common(p, desc)
        nsrc, ntest, ngen = self.split(p, 2)
        dirs, made = self.subdirs(nsrc), set()
        for d in dirs:
            self.src(f"{p.dir}/{root}/{d + '/' if d else ''}__init__.py", "python", p, size=r.randint(100, 800))
        for _ in range(max(0, nsrc - len(dirs))):
            d = r.choice(dirs)
            stem = self.unique(made, lambda: f"{d}/{_snake(Ids(r).noun())}".lstrip("/"))
            self.src(f"{p.dir}/{root}/{stem}.py", "python", p)
        if r.random() < 0.2:
            self.src(f"{p.dir}/{root}/stubs.pyi", "python", p, size=r.randint(300, 2000))
        self.add(f"{p.dir}/tests/conftest.py", "import pytest\n\n\n@pytest.fixture\ndef client():\n    return object()\n")
        for k in range(max(0, ntest - 1)):
            self.src(f"{p.dir}/tests/test_{_snake(Ids(r).noun())}_{k}.py", "python", p, size=r.randint(800, 8000))
        for k in range(ngen):
            self.src(f"{p.dir}/{root}/proto/{_snake(Ids(r).noun())}_{k}_pb2.py", "python", p, size=r.randint(5000, 40000))

    def plan_maven(self, p: Pkg) -> None:
        r = self.r
        desc = self.desc()
        deps = "".join(
            f"    <dependency>\n      <groupId>{GROUP}</groupId>\n      <artifactId>{d.name}</artifactId>\n"
            f"      <version>${{project.version}}</version>\n    </dependency>\n" for d in p.deps)
        for g, a, v in r.sample([("com.google.guava", "guava", "33.2.0-jre"), ("org.slf4j", "slf4j-api", "2.0.13"),
                                 ("com.fasterxml.jackson.core", "jackson-databind", "2.17.1"),
                                 ("org.apache.commons", "commons-lang3", "3.14.0")], r.randint(1, 3)):
            deps += f"    <dependency>\n      <groupId>{g}</groupId>\n      <artifactId>{a}</artifactId>\n      <version>{v}</version>\n    </dependency>\n"
        deps += ("    <dependency>\n      <groupId>org.junit.jupiter</groupId>\n      <artifactId>junit-jupiter</artifactId>\n"
                 "      <version>5.10.2</version>\n      <scope>test</scope>\n    </dependency>\n")
        if r.random() < 0.3:
            deps += ("    <dependency>\n      <groupId>jakarta.servlet</groupId>\n      <artifactId>jakarta.servlet-api</artifactId>\n"
                     "      <version>6.0.0</version>\n      <scope>provided</scope>\n    </dependency>\n")
        self.add(f"{p.dir}/pom.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
            "  <modelVersion>4.0.0</modelVersion>\n  <parent>\n"
            f"    <groupId>{GROUP}</groupId>\n    <artifactId>mono-parent</artifactId>\n    <version>1.0.0-SNAPSHOT</version>\n"
            "    <relativePath>../pom.xml</relativePath>\n  </parent>\n"
            f"  <artifactId>{p.name}</artifactId>\n  <description>{desc}</description>\n\n  <dependencies>\n{deps}  </dependencies>\n</project>\n"))
        self.common(p, desc)
        nsrc, ntest, _ = self.split(p, 2)
        base = p.module.replace(".", "/")
        subs = ["", *(_snake([w]) for w in r.sample(_WORDS, min(len(_WORDS), nsrc // 10)))]
        made: set[str] = set()
        for _ in range(nsrc):
            d = r.choice(subs)
            cls = self.unique(made, lambda: Ids(r).type_name())
            self.src(f"{p.dir}/src/main/java/{base}/{d + '/' if d else ''}{cls}.java", "java", p,
                     module=p.module + (f".{d}" if d else ""), main_type=cls)
        for _ in range(ntest):
            cls = self.unique(made, lambda: Ids(r).type_name()) + "Test"
            self.src(f"{p.dir}/src/test/java/{base}/{cls}.java", "java", p, module=p.module, main_type=cls, size=r.randint(800, 6000))
        if r.random() < 0.5:
            self.add(f"{p.dir}/src/main/resources/application.properties", f"app.name={p.slug}\napp.limit={r.randint(1, 100)}\n")

    def plan_gradle(self, p: Pkg) -> None:
        r = self.r
        desc = self.desc()
        deps = "".join(f'    implementation(project("{d.name}"))\n' for d in p.deps)
        for cfg, coord in r.sample([("implementation", "com.squareup.okio:okio:3.9.0"), ("api", "org.jetbrains.kotlinx:kotlinx-coroutines-core:1.8.1"),
                                    ("compileOnly", "org.projectlombok:lombok:1.18.32"), ("runtimeOnly", "org.postgresql:postgresql:42.7.3")],
                                   r.randint(1, 3)):
            deps += f'    {cfg}("{coord}")\n'
        deps += '    testImplementation(kotlin("test"))\n'
        self.add(f"{p.dir}/build.gradle.kts", (
            f'plugins {{\n    kotlin("jvm")\n}}\n\ndescription = "{desc}"\nversion = "{p.version}"\n\n'
            f"dependencies {{\n{deps}}}\n"))
        self.common(p, desc)
        nsrc, ntest, _ = self.split(p, 2)
        base = p.module.replace(".", "/")
        made: set[str] = set()
        subs = ["", *(_snake([w]) for w in r.sample(_WORDS, min(len(_WORDS), nsrc // 10)))]
        for _ in range(nsrc):
            d = r.choice(subs)
            self.src(f"{p.dir}/src/main/kotlin/{base}/{d + '/' if d else ''}{self.unique(made, lambda: Ids(r).type_name())}.kt",
                     "kotlin", p, module=p.module + (f".{d}" if d else ""))
        for _ in range(ntest):
            self.src(f"{p.dir}/src/test/kotlin/{base}/{self.unique(made, lambda: Ids(r).type_name())}Test.kt", "kotlin", p,
                     module=p.module, size=r.randint(800, 6000))

    def plan_ruby(self, p: Pkg) -> None:
        r = self.r
        desc = self.desc()
        deps = "".join(f'  spec.add_dependency "{d.name}", "~> {d.version.rsplit(".", 1)[0]}"\n' for d in p.deps)
        deps += "".join(f'  spec.add_dependency "{g}", "{v}"\n' for g, v in r.sample([("activesupport", ">= 7.0"), ("faraday", "~> 2.9"), ("dry-struct", "~> 1.6")], r.randint(1, 2)))
        deps += '  spec.add_development_dependency "rspec", "~> 3.13"\n'
        self.add(f"{p.dir}/{p.name}.gemspec", (
            f'# frozen_string_literal: true\n\nGem::Specification.new do |spec|\n  spec.name = "{p.name}"\n'
            f'  spec.version = "{p.version}"\n  spec.summary = "{desc}"\n  spec.authors = ["Mono Team"]\n'
            f'  spec.files = Dir["lib/**/*.rb"]\n  spec.required_ruby_version = ">= 3.1"\n{deps}end\n'))
        self.add(f"{p.dir}/Gemfile", 'source "https://rubygems.org"\n\ngemspec\n\ngroup :test do\n  gem "rspec", "~> 3.13"\n  gem "simplecov", require: false\nend\n')
        self.common(p, desc)
        nsrc, ntest, _ = self.split(p, 3)
        self.src(f"{p.dir}/lib/{p.name}.rb", "ruby", p, module=p.module, size=r.randint(300, 3000))
        made: set[str] = set()
        for _ in range(nsrc - 1):
            self.src(f"{p.dir}/lib/{p.name}/{self.unique(made, lambda: _snake(Ids(r).noun()))}.rb", "ruby", p, module=p.module)
        for k in range(ntest):
            self.src(f"{p.dir}/spec/{_snake(Ids(r).noun())}_{k}_spec.rb", "ruby", p, module=p.module, size=r.randint(800, 5000))

    def plan_perl(self, p: Pkg) -> None:
        r = self.r
        desc = self.desc()
        req = "".join(f"requires '{d.name}', '{d.version}';\n" for d in p.deps)
        req += "".join(f"requires '{m}', '{v}';\n" for m, v in r.sample([("Moo", "2.005"), ("JSON::MaybeXS", "1.004"), ("Try::Tiny", "0.31"), ("Path::Tiny", "0.144")], r.randint(1, 3)))
        self.add(f"{p.dir}/cpanfile", f"{req}\non 'test' => sub {{\n    requires 'Test::More', '0.98';\n}};\n\non 'develop' => sub {{\n    requires 'Perl::Tidy';\n}};\n")
        extra = 0
        if r.random() < 0.4:
            extra = 1
            self.add(f"{p.dir}/Makefile.PL", (
                "use strict;\nuse warnings;\nuse ExtUtils::MakeMaker;\n\nWriteMakefile(\n"
                f"    NAME         => '{p.module}',\n    VERSION_FROM => 'lib/{p.module.replace('::', '/')}.pm',\n"
                f"    ABSTRACT     => '{desc}',\n);\n"))
        self.common(p, desc)
        nsrc, ntest, _ = self.split(p, 2 + extra)
        base = p.module.replace("::", "/")
        self.src(f"{p.dir}/lib/{base}.pm", "perl", p, module=p.module)
        made: set[str] = set()
        for _ in range(nsrc - 1):
            sub = self.unique(made, lambda: Ids(r).type_name())
            self.src(f"{p.dir}/lib/{base}/{sub}.pm", "perl", p, module=f"{p.module}::{sub}")
        for k in range(ntest):
            self.src(f"{p.dir}/t/{k:02d}-{_snake(Ids(r).noun())}.t", "perl", p, module="main", size=r.randint(500, 3000))

    # -- workspace roots and loose files ------------------------------------

    def plan_roots(self, by_eco: dict[str, list[Pkg]]) -> None:
        r = self.r
        self.add("js/package.json", json.dumps({
            "name": "mono-js", "private": True, "workspaces": ["packages/*", "apps/*"],
            "devDependencies": {"eslint": "^9.4.0", "prettier": "^3.3.0", "typescript": "~5.4.0"},
        }, indent=2) + "\n")
        self.add("js/tsconfig.base.json", '{\n  "compilerOptions": {"strict": true, "target": "ES2022", "module": "NodeNext"}\n}\n')
        self.src("js/scripts/release.js", "javascript", None, size=r.randint(1000, 4000))
        members = [p for p in by_eco.get("cargo", [])]
        ws_deps = "".join(f'{p.name} = {{ path = "crates/{p.slug}" }}\n' for p in sorted(members, key=lambda q: q.name))
        self.add("rust/Cargo.toml", (
            '# Virtual workspace: not a package itself.\n[workspace]\nresolver = "2"\nmembers = ["crates/*"]\n\n'
            '[workspace.package]\nversion = "0.9.1"\nedition = "2021"\nlicense = "MIT"\n\n[workspace.dependencies]\n'
            'serde = { version = "1.0", features = ["derive"] }\ntokio = { version = "1.38", features = ["full"] }\n'
            f'anyhow = "1.0"\nthiserror = "1.0"\nproptest = "1.4"\n{ws_deps}'))
        self.add("rust/rustfmt.toml", "max_width = 110\n")
        gos = sorted(posixpath.relpath(p.dir, "go") for p in by_eco.get("go", []))
        self.add("go/go.work", "go 1.22\n\nuse (\n" + "".join(f"\t{d if d.startswith('..') else './' + d}\n" for d in gos) + ")\n")
        mods = "".join(f"    <module>{p.slug}</module>\n" for p in by_eco.get("maven", []))
        self.add("java/pom.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
            f"  <modelVersion>4.0.0</modelVersion>\n  <groupId>{GROUP}</groupId>\n  <artifactId>mono-parent</artifactId>\n"
            "  <version>1.0.0-SNAPSHOT</version>\n  <packaging>pom</packaging>\n  <description>JVM services of the monorepo</description>\n\n"
            f"  <modules>\n{mods}  </modules>\n\n  <properties>\n    <maven.compiler.release>21</maven.compiler.release>\n  </properties>\n</project>\n"))
        incl = ", ".join(f'"{p.name}"' for p in by_eco.get("gradle", []))
        self.add("kotlin/settings.gradle.kts", f'rootProject.name = "mono-kotlin"\n\ninclude({incl})\n')
        self.add("kotlin/build.gradle.kts", 'plugins {\n    kotlin("jvm") version "2.0.0" apply false\n}\n\nallprojects {\n    group = "com.example.mono"\n}\n')
        self.add("kotlin/gradle.properties", "org.gradle.jvmargs=-Xmx2g\n")

    def plan_loose(self) -> None:
        r = self.r
        self.add(".gitignore", "node_modules/\ntarget/\ndist/\n__pycache__/\n*.log\n/tmp/\ncoverage/\n.venv/\n")
        self.add("README.md", "# mono\n\nA synthetic polyglot monorepo generated for the symidx benchmarks.\n")
        self.add("Makefile", "all:\n\tdoit -n 4 index\n")
        for k in range(3):
            self.add(f"docs/{_snake(Ids(r).noun())}-{k}.md", "# Notes\n\n" + "\n".join(Ids(r).prose(3, 8)) + "\n")
        for k in range(4):
            self.src(f"scripts/{_snake(Ids(r).verb_noun())}.py", "python", None, size=r.randint(800, 6000))
        self.add("scripts/deploy.sh", "#!/bin/sh\nset -eu\necho deploying\n")
        for k in range(max(2, self.n // 25)):
            domain = _snake([r.choice(_WORDS)])
            self.src(f"proto/{domain}/v1/{domain}_{k}.proto", "proto", None, module=f"mono.{domain}.v1", size=r.randint(1000, 8000))
        # Ignored by .gitignore: listed by neither git nor the fallback walk.
        self.add("debug.log", "noise\n" * 50)
        self.add("tmp/scratch.py", "print('scratch')\n")
        self.add("coverage/lcov.info", "TN:\nend_of_record\n")
        self.add("js/node_modules/left-pad/package.json", '{"name": "left-pad", "version": "1.3.0"}\n')
        self.add("js/node_modules/left-pad/index.js", "module.exports = function leftPad(s) { return s; };\n")


def _language_of(path: str) -> str:
    from symidx_tasks.extract.languages import language_for  # late: generating needs no grammar

    found = language_for(path)
    return found.name if found else "other"


def render_source(spec: Spec, seed: int) -> str:
    rng = random.Random(f"symidx-bench-file:{seed}:{spec.path}")
    ctx = FileCtx(spec.path, spec.language or "", spec.pkg, spec.module, spec.main_type)
    if spec.language == "python" and not ctx.module and spec.pkg:
        ctx.module = spec.pkg.module
    if spec.language == "ruby" and not ctx.module:
        ctx.module = "MonoScripts"
    return RENDERERS[spec.language](Ids(rng), ctx).render(spec.size)


def plan(seed: int = 0, size: str = "small", packages: int | None = None) -> Planner:
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, got {size!r}")
    n, fpp = SIZES[size]
    n = n if packages is None else packages
    if n < MIN_PACKAGES:
        raise ValueError(f"packages must be at least {MIN_PACKAGES} (one per ecosystem and flavour), got {n}")
    planner = Planner(seed, n, fpp)
    planner.plan()
    return planner


def generate(dest: Path | str, size: str = "small", seed: int = 0, packages: int | None = None) -> dict:
    """Write the monorepo under ``dest`` (created; existing files are overwritten) and return its stats."""
    started = time.perf_counter()
    dest = Path(dest)
    planner = plan(seed, size, packages)
    files_by_lang: dict[str, int] = {}
    bytes_by_lang: dict[str, int] = {}
    total = 0
    made_dirs: set[str] = set()
    for spec in planner.specs:
        text = spec.text if spec.text is not None else render_source(spec, seed)
        data = text.encode("utf-8")
        d = os.path.dirname(spec.path)
        if d not in made_dirs:
            (dest / d).mkdir(parents=True, exist_ok=True)
            made_dirs.add(d)
        with open(dest / spec.path, "wb") as f:
            f.write(data)
        lang = spec.language or _language_of(spec.path)
        files_by_lang[lang] = files_by_lang.get(lang, 0) + 1
        bytes_by_lang[lang] = bytes_by_lang.get(lang, 0) + len(data)
        total += len(data)
    ecos: dict[str, int] = {}
    for p in planner.pkgs:
        ecos[p.eco] = ecos.get(p.eco, 0) + 1
    return {
        "size": size, "seed": seed,
        # the generated packages plus the workspace roots that are packages too
        # (js/package.json, java/pom.xml, kotlin/build.gradle.kts)
        "packages": len(planner.pkgs) + 3,
        "generated_packages": len(planner.pkgs),
        "nested_packages": sum(p.nested for p in planner.pkgs),
        "packages_by_ecosystem": dict(sorted(ecos.items())),
        "files": len(planner.specs), "bytes": total,
        "files_by_language": dict(sorted(files_by_lang.items())),
        "bytes_by_language": dict(sorted(bytes_by_lang.items())),
        "seconds": round(time.perf_counter() - started, 3),
    }


# --------------------------------------------------------------------------
# One-file edit for the incremental benchmark.
# --------------------------------------------------------------------------

_TEST_OR_GENERATED = ("test", "spec", "/t/", ".pb.", "_pb2", ".generated.", "build.rs", "__init__", "node_modules")
_EDIT_EXTS = (".py", ".ts", ".tsx", ".js", ".go", ".rs", ".java", ".kt", ".rb", ".pm", ".proto")


def edit_candidates(dest: Path | str) -> list[str]:
    """Root-relative source files (not tests, not generated, not ignored) an edit may pick."""
    dest = Path(dest)
    out = []
    for dirpath, dirnames, filenames in os.walk(dest):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in ("node_modules", "tmp", "coverage", "target", "vendor", "dist", "build"))
        rel_dir = os.path.relpath(dirpath, dest).replace(os.sep, "/")
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if name.endswith(_EDIT_EXTS) and not any(m in f"/{rel}" for m in _TEST_OR_GENERATED):
                out.append(rel)
    return sorted(out)


def _edit_text(ext: str, text: str, tag: str) -> str:
    """``text`` with one new public symbol named after ``tag``, placed where the language allows it."""
    camel = "benchEdit" + tag.capitalize()
    if ext == ".py":
        return text.rstrip("\n") + f"\n\n\ndef bench_edit_{tag}(value: int) -> int:\n    return value + 1\n"
    if ext in (".ts", ".tsx"):
        return text + f"\nexport function {camel}(value: number): number {{\n  return value + 1;\n}}\n"
    if ext == ".js":
        return text + f"\nexport function {camel}(value) {{\n  return value + 1;\n}}\n"
    if ext == ".go":
        return text + f"\n// BenchEdit{tag.capitalize()} is added by the benchmark.\nfunc BenchEdit{tag.capitalize()}(value int) int {{\n\treturn value + 1\n}}\n"
    if ext == ".rs":
        return text + f"\n/// Added by the benchmark.\npub fn bench_edit_{tag}(value: u32) -> u32 {{\n    value + 1\n}}\n"
    if ext == ".kt":
        return text + f"\nfun {camel}(value: Int): Int = value + 1\n"
    if ext == ".proto":
        return text + f"\nmessage BenchEdit{tag.capitalize()} {{\n  string value = 1;\n}}\n"
    # Languages whose new symbol must go inside the last block / before the trailer.
    inserts = {
        ".java": ("}", f"    public int {camel}(int value) {{\n        return value + 1;\n    }}\n"),
        ".rb": ("end", f"  def self.bench_edit_{tag}(value)\n    value + 1\n  end\n"),
        ".pm": ("1;", f"sub bench_edit_{tag} {{\n    my ($value) = @_;\n    return $value + 1;\n}}\n\n"),
    }
    marker, snippet = inserts[ext]
    at = text.rfind(marker)
    if at < 0:
        return text + snippet
    return text[:at] + snippet + text[at:]


def edit_target(dest: Path | str, seed: int = 0) -> str:
    """The file ``edit_one_file(dest, seed)`` changes (so a caller can back it up first)."""
    candidates = edit_candidates(dest)
    if not candidates:
        raise ValueError(f"{dest}: no source file to edit")
    return random.Random(f"symidx-bench-edit:{seed}").choice(candidates)


def edit_one_file(dest: Path | str, seed: int = 0) -> str:
    """Add one public symbol to one source file (picked by ``seed``); return its root-relative path.

    Each call changes the content again (the new name derives from the current content)."""
    return edit_file(dest, edit_target(dest, seed))


def edit_file(dest: Path | str, rel: str) -> str:
    """Add one public symbol to the source file ``rel`` under ``dest``; return ``rel``."""
    path = Path(dest) / rel
    data = path.read_bytes()
    tag = hashlib.sha1(data).hexdigest()[:8]
    tag = "x" + tag  # identifiers must not start with a digit
    path.write_bytes(_edit_text(os.path.splitext(rel)[1], data.decode("utf-8", "replace"), tag).encode("utf-8"))
    return rel


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a synthetic polyglot monorepo for the symidx benchmarks.")
    ap.add_argument("dest", type=Path)
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--packages", type=int, default=None, help="override the size's package count")
    args = ap.parse_args(argv)
    stats = generate(args.dest, args.size, args.seed, args.packages)
    json.dump(stats, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
