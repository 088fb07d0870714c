"""Which language a file is, and the one parser per language per process.

Adding a language: write ``extract/<module>.py`` with an ``extract(root, source)``
function, then add one ``LanguageSpec`` line to ``LANGUAGES``.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from ..model import Symbol

if TYPE_CHECKING:  # the grammar package loads only where a file is parsed
    from tree_sitter import Parser
    from tree_sitter_language_pack import SupportedLanguage


@dataclass(frozen=True)
class LanguageSpec:
    name: str  # our own name, stored in files.language
    grammar: SupportedLanguage  # tree-sitter-language-pack name (several grammars lack Language.name)
    extensions: tuple[str, ...]
    module: str  # symidx_tasks.extract.<module> holds extract()


LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec("python", "python", (".py", ".pyi"), "python"),
    LanguageSpec("typescript", "typescript", (".ts", ".mts", ".cts"), "typescript"),
    LanguageSpec("tsx", "tsx", (".tsx",), "typescript"),
    LanguageSpec("javascript", "javascript", (".js", ".jsx", ".mjs", ".cjs"), "typescript"),
    LanguageSpec("go", "go", (".go",), "go"),
    LanguageSpec("rust", "rust", (".rs",), "rust"),
    LanguageSpec("proto", "proto", (".proto",), "proto"),
    LanguageSpec("java", "java", (".java",), "java"),
    LanguageSpec("kotlin", "kotlin", (".kt", ".kts"), "kotlin"),
    LanguageSpec("ruby", "ruby", (".rb", ".rake", ".gemspec"), "ruby"),
    LanguageSpec("perl", "perl", (".pl", ".pm"), "perl"),
)

_BY_EXTENSION: dict[str, LanguageSpec] = {
    ext: spec for spec in LANGUAGES for ext in spec.extensions
}
_BY_NAME: dict[str, LanguageSpec] = {spec.name: spec for spec in LANGUAGES}


def language_for(path: str) -> LanguageSpec | None:
    """The language of a file by its extension (case-insensitive), or None."""
    dot = path.rfind(".")
    if dot < 0 or "/" in path[dot:]:
        return None
    return _BY_EXTENSION.get(path[dot:].lower())


def known_languages() -> tuple[str, ...]:
    return tuple(s.name for s in LANGUAGES)


# Per-process caches: grammars load lazily in the worker that needs them, never
# at dodo import, and each worker keeps one parser per language.
@cache
def parser_for(language: str) -> Parser:
    from tree_sitter_language_pack import get_parser

    return get_parser(_BY_NAME[language].grammar)


@cache
def extractor_for(language: str) -> Callable[..., list[Symbol]]:
    module: ModuleType = importlib.import_module(f"{__package__}.{_BY_NAME[language].module}")
    extract: Callable[..., list[Symbol]] = module.extract
    return extract
