"""pyproject.toml / setup.cfg discovery: exact Package records for real fixture trees."""
from __future__ import annotations

from pathlib import Path

import pytest

from symidx_tasks.discover.manifests.python import normalize, requirement
from symidx_tasks.model import Dependency, Package

from .manifest_helpers import discover


def test_pep621_project(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "libs/core/pyproject.toml": """
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "Acme_Core.Utils"
            dynamic = ["version", "readme"]
            description = "Core utilities"
            requires-python = ">=3.10"
            dependencies = [
                "requests[security, socks] >=2.31; python_version<'3.12'",
                "attrs",
                "Typing.Extensions (>=4.0)",
                "pip @ https://example.com/pip.whl",
                "this is not a requirement",
            ]

            [project.optional-dependencies]
            cli = ["click>=8", "rich"]
            Test = ["pytest==8.*"]

            [dependency-groups]
            lint = ["ruff"]
            test = ["pytest", {include-group = "Lint"}, {include-group = "missing"}]
            dev = [{include-group = "test"}, "ipython"]
        """,
    })
    assert found["libs/core"] == Package(
        path="libs/core",
        name="Acme_Core.Utils",
        kind="python",
        version=None,
        description="Core utilities",
        metadata={"build_backend": "hatchling.build", "dynamic": ["version", "readme"], "requires_python": ">=3.10"},
        dependencies=[
            Dependency("Typing.Extensions", "runtime", "(>=4.0)", "python:typing-extensions"),
            Dependency("attrs", "runtime", None, "python:attrs"),
            Dependency("click", "optional:cli", ">=8", "python:click"),
            Dependency("ipython", "group:dev", None, "python:ipython"),
            Dependency("pip", "runtime", "@ https://example.com/pip.whl", "python:pip"),
            Dependency("pytest", "group:dev", None, "python:pytest"),
            Dependency("pytest", "group:test", None, "python:pytest"),
            Dependency("pytest", "optional:Test", "==8.*", "python:pytest"),
            Dependency("requests", "runtime", ">=2.31; python_version<'3.12'", "python:requests",
                       (("extras", "security,socks"),)),
            Dependency("rich", "optional:cli", None, "python:rich"),
            Dependency("ruff", "group:dev", None, "python:ruff"),
            Dependency("ruff", "group:lint", None, "python:ruff"),
            Dependency("ruff", "group:test", None, "python:ruff"),
        ],
        match_key="python:acme-core-utils",
        manifests=["libs/core/pyproject.toml"],
        warnings=[
            "libs/core/pyproject.toml: project.dependencies: 'this is not a requirement' is not a PEP 508 "
            "requirement; skipped",
            "libs/core/pyproject.toml: dependency-groups.test: include-group 'missing' is no such group; skipped",
        ],
    )


def test_poetry_project(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "svc/pyproject.toml": """
            [tool.poetry]
            name = "my-service"
            version = "0.3.0"
            description = "A service"

            [tool.poetry.dependencies]
            python = "^3.11"
            fastapi = "^0.110"
            my_lib = { path = "../libs/my_lib", develop = true }
            pydantic = { version = "^2.5", extras = ["email"] }
            numpy = [
                { version = "<1.25", python = "<3.9" },
                { version = "^1.26", python = ">=3.9" },
            ]
            psycopg = { version = "^3.1", optional = true }
            orjson = { version = "^3", optional = true }
            toolkit = { git = "https://github.com/acme/toolkit.git", tag = "v1.0" }

            [tool.poetry.extras]
            pg = ["psycopg"]
            all = ["psycopg"]

            [tool.poetry.dev-dependencies]
            black = "^24"

            [tool.poetry.group.dev.dependencies]
            pytest = "^8.0"

            [tool.poetry.group.docs]
            optional = true
            [tool.poetry.group.docs.dependencies]
            mkdocs = "*"
        """,
        "libs/my_lib/pyproject.toml": """
            [project]
            name = "my-lib"
            version = "1.0.0"
        """,
    })
    assert found["svc"] == Package(
        path="svc",
        name="my-service",
        kind="python",
        version="0.3.0",
        description="A service",
        metadata={"requires_python": "^3.11"},
        dependencies=[
            Dependency("black", "dev", "^24", "python:black"),
            Dependency("fastapi", "runtime", "^0.110", "python:fastapi"),
            Dependency("mkdocs", "group:docs", "*", "python:mkdocs"),
            Dependency("my_lib", "runtime", None, "python:my-lib", (("path", "libs/my_lib"),)),
            Dependency("numpy", "runtime", "<1.25 || ^1.26", "python:numpy"),
            Dependency("orjson", "optional", "^3", "python:orjson"),
            Dependency("psycopg", "optional:all", "^3.1", "python:psycopg"),
            Dependency("psycopg", "optional:pg", "^3.1", "python:psycopg"),
            Dependency("pydantic", "runtime", "^2.5", "python:pydantic", (("extras", "email"),)),
            Dependency("pytest", "dev", "^8.0", "python:pytest"),
            Dependency("toolkit", "runtime", None, "python:toolkit",
                       (("git", "https://github.com/acme/toolkit.git"), ("tag", "v1.0"))),
        ],
        match_key="python:my-service",
        manifests=["svc/pyproject.toml"],
    )
    internal = {p.match_key for p in found.values()}
    assert [d.name for d in found["svc"].dependencies if d.match_key in internal] == ["my_lib"]


def test_poetry2_project_table_wins_and_groups_still_count(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "p2"
            version = "1.0"
            dependencies = ["httpx>=0.27"]

            [tool.poetry.dependencies]
            httpx = { source = "private" }

            [tool.poetry.group.test.dependencies]
            pytest = "^8"
        """,
    })
    assert found["."].dependencies == [
        Dependency("httpx", "runtime", ">=0.27", "python:httpx"),
        Dependency("pytest", "group:test", "^8", "python:pytest"),
    ]


def test_poetry_non_package_mode_needs_no_name(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "scripts/pyproject.toml": """
            [tool.poetry]
            package-mode = false
            [tool.poetry.dependencies]
            python = "^3.12"
            requests = "^2"
        """,
    })
    assert found["scripts"] == Package(
        path="scripts", name="scripts", kind="python",
        metadata={"package_mode": False, "requires_python": "^3.12"},
        dependencies=[Dependency("requests", "runtime", "^2", "python:requests")],
        match_key="python:scripts", manifests=["scripts/pyproject.toml"],
    )


def test_tool_config_only_pyproject_is_not_a_package(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
        "a/pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n',
        "a/setup.cfg": "[flake8]\nmax-line-length = 100\n",
        "b/setup.py": "from setuptools import setup\nsetup(name='b')\n",
    })
    assert found == {}


def test_setup_cfg_package(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "legacy/pyproject.toml": """
            [build-system]
            requires = ["setuptools>=61"]
            build-backend = "setuptools.build_meta"
        """,
        "legacy/setup.cfg": """
            [metadata]
            name = legacy_pkg
            version = attr: legacy_pkg.__version__
            summary = Old but gold

            [options]
            python_requires = >=3.8
            install_requires =
                requests>=2
                # a comment line
                six; python_version < "3"
            tests_require = pytest; mock
            setup_requires = setuptools_scm

            [options.extras_require]
            yaml = PyYAML>=6

            [flake8]
            max-line-length = 100
        """,
        "plain/setup.cfg": """
            [metadata]
            description = name comes from setup.py
            [options]
            install_requires = file: requirements.txt
        """,
    })
    assert found["legacy"] == Package(
        path="legacy",
        name="legacy_pkg",
        kind="python",
        version=None,
        description="Old but gold",
        metadata={"dynamic": ["version"], "requires_python": ">=3.8"},
        dependencies=[
            Dependency("PyYAML", "optional:yaml", ">=6", "python:pyyaml"),
            Dependency("mock", "test", None, "python:mock"),
            Dependency("pytest", "test", None, "python:pytest"),
            Dependency("requests", "runtime", ">=2", "python:requests"),
            Dependency("setuptools_scm", "build", None, "python:setuptools-scm"),
            Dependency("six", "runtime", '; python_version < "3"', "python:six"),
        ],
        match_key="python:legacy-pkg",
        manifests=["legacy/pyproject.toml", "legacy/setup.cfg"],
    )
    assert found["plain"] == Package(
        path="plain", name="plain", kind="python", description="name comes from setup.py",
        metadata={"dynamic": ["dependencies"]}, match_key="python:plain", manifests=["plain/setup.cfg"],
        warnings=["plain/setup.cfg: [metadata] has no name (set in setup.py?); named after its directory"],
    )


def test_pyproject_package_wins_over_setup_cfg(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "pyproject.toml": '[project]\nname = "new"\n',
        "setup.cfg": "[metadata]\nname = old\n",
    })
    assert (found["."].name, found["."].manifests) == ("new", ["pyproject.toml"])


@pytest.mark.parametrize(("files", "warning"), [
    ({"pyproject.toml": "[project\n"}, "pyproject.toml: invalid TOML: "),
    ({"pyproject.toml": '[project]\nversion = "1"\n'}, "pyproject.toml: [project] has no name"),
    ({"pyproject.toml": '[tool.poetry]\nversion = "1"\n'}, "pyproject.toml: [tool.poetry] has no name"),
    ({"pyproject.toml": 'project = "x"\n'}, "pyproject.toml: project: expected dict, got str"),
    ({"pyproject.toml": '[project]\nname = "x"\ndependencies = "requests"\n'},
     "pyproject.toml: project.dependencies: expected list, got str"),
    ({"pyproject.toml": '[project]\nname = "x"\ndependencies = [1]\n'},
     "pyproject.toml: project.dependencies: expected str, got int"),
    ({"pyproject.toml": '[project]\nname = "x"\n[dependency-groups]\na = [{x = 1}]\n'},
     'pyproject.toml: dependency-groups.a: expected a requirement string or {include-group = "..."}'),
    ({"pyproject.toml": '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\nfoo = 3\n'},
     "pyproject.toml: tool.poetry.dependencies.foo: expected str or dict, got int"),
    ({"setup.cfg": "[metadata\nname = x\n"}, "setup.cfg: invalid INI: "),
    ({"setup.cfg": "name = x\n"}, "setup.cfg: invalid INI: "),
])
def test_malformed_manifests_become_directory_packages(tmp_path: Path, files: dict[str, str], warning: str) -> None:
    found = discover(tmp_path, {f"pkg/{k}": v for k, v in files.items()})
    pkg = found["pkg"]
    assert (pkg.name, pkg.kind, pkg.match_key, pkg.dependencies) == ("pkg", "python", "", [])
    assert len(pkg.warnings) == 1
    assert pkg.warnings[0].startswith(f"pkg/{warning}")


def test_include_group_cycle_is_skipped_with_a_warning(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "pyproject.toml": """
            [project]
            name = "c"
            [dependency-groups]
            a = ["x", {include-group = "b"}]
            b = ["y", {include-group = "a"}]
        """,
    })
    assert [(d.name, d.dep_kind) for d in found["."].dependencies] == [
        ("x", "group:a"), ("x", "group:b"), ("y", "group:a"), ("y", "group:b"),
    ]
    assert found["."].warnings == [
        # the entry that closes the cycle, named where it is written
        "pyproject.toml: dependency-groups.b: include-group 'a' is a cycle; skipped",
        "pyproject.toml: dependency-groups.a: include-group 'b' is a cycle; skipped",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("Django>=4", ("Django", ">=4", "python:django", ())),
    ("zope.interface", ("zope.interface", None, "python:zope-interface", ())),
    ("A__b--c..d ~= 1.0", ("A__b--c..d", "~= 1.0", "python:a-b-c-d", ())),
    ("x[ a ,b ] ; os_name=='nt'", ("x", "; os_name=='nt'", "python:x", (("extras", "a,b"),))),
    ("  spaced  ", ("spaced", None, "python:spaced", ())),
])
def test_requirement_strings(text: str, expected: tuple) -> None:
    dep = requirement(text, "runtime")
    assert dep is not None
    assert (dep.name, dep.version_req, dep.match_key, dep.metadata) == expected


@pytest.mark.parametrize("text", ["", "-bad", "foo bar", "foo[x", "foo-"])
def test_not_requirements(text: str) -> None:
    assert requirement(text, "runtime") is None


def test_normalize() -> None:
    assert normalize("Foo.Bar_baz--Qux") == "foo-bar-baz-qux"
