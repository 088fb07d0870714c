"""Which Gradle build and project a directory belongs to, from the settings scripts.

The rules are specified in gradle.py's docstring ("Which build, which project").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import ManifestContext, join_dir
from .gradle_script import call_args, strings, strip_comments

BUILD_FILES = ("build.gradle", "build.gradle.kts")
SETTINGS_FILES = ("settings.gradle", "settings.gradle.kts")

_INCLUDE = re.compile(r"(?<![\w.$])(include|includeFlat|includeBuild)\b")
_PROJECT_DIR = re.compile(
    r"project\(\s*(['\"])(?P<path>[^'\"]+)\1\s*\)\s*\.projectDir\s*=\s*"
    r"(?:file|(?:new\s+)?File)\(\s*(?:(?:rootDir|settingsDir|rootProject\.projectDir)\s*,\s*)?"
    r"(['\"])(?P<dir>[^'\"]+)\3"
)
_ROOT_NAME = re.compile(r"rootProject\.name\s*=\s*(['\"])([^'\"$]+)\1")


@dataclass(frozen=True)
class Settings:
    root_name: str | None
    # gradle path -> directory relative to the settings directory (normalised)
    projects: dict[str, str] = field(default_factory=dict)
    included_builds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Build:
    root: str  # the build's root directory
    path: str  # this project's gradle path
    settings: Settings | None


def locate(ctx: ManifestContext, names: set[str]) -> Build:
    """The build and gradle path of ctx's directory (``names``: its Gradle files);
    every settings script consulted is read through ctx, so it becomes a file_dep."""
    own = next((n for n in SETTINGS_FILES if n in names), None)
    if own is not None:
        if all(n in names for n in SETTINGS_FILES):
            ctx.warn(f"{ctx.rel('settings.gradle.kts')}: ignored, Gradle uses settings.gradle when both exist")
        return Build(ctx.dir, ":", read_settings(ctx, ctx.rel(own)))
    for d in ctx.ancestors():
        rel = next((p for n in SETTINGS_FILES if (p := n if d == "." else f"{d}/{n}") in ctx.files), None)
        if rel is None:
            continue
        sub = ctx.dir if d == "." else ctx.dir[len(d) + 1:]
        if sub == "buildSrc":
            break  # a build of its own, whatever the settings say
        settings = read_settings(ctx, rel)
        if sub in settings.included_builds:
            break  # a build of its own
        for path, project_dir in sorted(settings.projects.items()):
            if project_dir == sub:
                return Build(d, path, settings)
        ctx.warn(f"{ctx.rel(next(n for n in BUILD_FILES if n in names))}: not included by {rel}; "
                 f"gradle path inferred from the directory")
        return Build(d, ":" + sub.replace("/", ":"), settings)
    return Build(ctx.dir, ":", None)


def read_settings(ctx: ManifestContext, rel: str) -> Settings:
    settings: Settings = ctx.parsed(rel, "gradle settings", parse_settings)
    return settings


def parse_settings(text: str) -> Settings:
    code = strip_comments(text)
    root_name = m.group(2) if (m := _ROOT_NAME.search(code)) else None
    projects: dict[str, str] = {}
    included_builds: set[str] = set()
    for m in _INCLUDE.finditer(code):
        args, _ = call_args(code, m.end())
        for value in strings(args):
            if m.group(1) == "includeBuild":
                included_builds.add(join_dir(".", value))
                continue
            segments = [s for s in value.split(":") if s]
            if not segments:
                continue
            if m.group(1) == "includeFlat":
                projects[":" + segments[-1]] = "../" + segments[-1]
                continue
            for k in range(1, len(segments) + 1):
                projects.setdefault(":" + ":".join(segments[:k]), "/".join(segments[:k]))
    for m in _PROJECT_DIR.finditer(code):
        path = m.group("path") if m.group("path").startswith(":") else ":" + m.group("path")
        if not m.group("dir").startswith("/"):
            projects[path] = join_dir(".", m.group("dir"))
    return Settings(root_name, projects, frozenset(included_builds))

