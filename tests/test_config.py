"""[tool.symidx] / symidx.toml: every key read, every mistake named."""
from __future__ import annotations

from pathlib import Path

import pytest

from symidx_tasks.config import (
    DEFAULT_MAX_FILE_SIZE,
    ConfigError,
    CustomRule,
    IndexConfig,
    config_from_table,
    load_config,
)
from symidx_tasks.discover import discover

from .trees import write_tree


def test_no_config_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == IndexConfig()
    assert IndexConfig().max_file_size == DEFAULT_MAX_FILE_SIZE


def test_pyproject_tool_table(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": (
        "[tool.symidx]\n"
        'exclude_dirs = ["legacy"]\nexclude_extensions = ["JS", ".map"]\nmax_file_size = 2048\n'
        'manifests = ["npm", "python"]\nskip_tests = false\ndb = "out/index.db"\n'
        '[[tool.symidx.custom]]\nmarker = "BUILD"\nunder = "services/"\nlanguages = ["go"]\n'
    )})
    config = load_config(tmp_path)
    assert config.exclude_dirs == ("legacy",)
    assert config.exclude_extensions == (".js", ".map")
    assert config.max_file_size == 2048
    assert config.manifests == ("npm", "python")
    assert config.skip_tests is False
    assert config.db == "out/index.db"
    # marker / under are shorthand for a one-entry requires / paths
    assert config.custom == (CustomRule(requires=("BUILD",), paths=("services",), kind="custom", languages=("go",)),)
    assert config.source == "pyproject.toml [tool.symidx]"


def test_symidx_toml(tmp_path: Path) -> None:
    write_tree(tmp_path, {"symidx.toml": "max_file_size = 10\n"})
    assert load_config(tmp_path).max_file_size == 10


def test_both_sources_is_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"symidx.toml": "", "pyproject.toml": "[tool.symidx]\nskip_tests = true\n"})
    with pytest.raises(ConfigError, match="both exist"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    "table, message",
    [
        ({"max_file_size": "1MB"}, r"key 'max_file_size': expected a positive integer \(bytes\), got '1MB'"),
        ({"max_file_size": 0}, "expected a positive integer"),
        ({"skip_tests": "no"}, r"key 'skip_tests': expected true or false"),
        ({"exclude_dirs": "vendor"}, r"key 'exclude_dirs': expected a list of strings"),
        ({"manifests": ["npm", "bazel"]}, r"key 'manifests': unknown kind\(s\) bazel"),
        ({"excludes": []}, r"key 'excludes': unknown key \(known: "),
        ({"custom": [{"under": "x"}]}, r"custom'\[0\]\.requires: missing: the file names or globs"),
        ({"custom": [{"marker": "a/BUILD"}]}, r"custom'\[0\]\.marker: expected a file name"),
        ({"custom": [{"marker": "BUILD", "languages": ["cobol"]}]}, r"unknown language\(s\) cobol"),
        ({"custom": [{"marker": "BUILD", "name": "x"}]}, r"unknown key\(s\) name"),
    ],
)
def test_bad_values_name_file_key_and_expectation(table: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        config_from_table(table, "symidx.toml")
    assert str(info.value).startswith("symidx.toml: ")


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"symidx.toml": "max_file_size = \n"})
    with pytest.raises(ConfigError, match="symidx.toml: cannot read TOML"):
        load_config(tmp_path)


def test_custom_rule_discovers_build_file_packages(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "services/api/BUILD": "go_library(name = 'api')\n",
        "services/api/server.go": "package api\n\nfunc Serve() {}\n",
        "services/api/tool.py": "def helper(): pass\n",
        "other/BUILD": "",
    })
    config = IndexConfig(custom=(CustomRule(("BUILD",), paths=("services",), languages=("go",)),))
    units = {u.key: u for u in discover(tmp_path, config).units}
    api = units["services/api"]
    assert api.package.kind == "custom" and api.package.name == "services/api"
    assert api.package.manifests == ["services/api/BUILD"]
    by_path = {f.path: f for f in api.files}
    assert by_path["services/api/server.go"].skip is None
    assert by_path["services/api/tool.py"].skip == "language not enabled"
    assert "other" not in units  # outside `under`


def test_exclusions_apply_to_discovery(tmp_path: Path) -> None:
    write_tree(tmp_path, {"legacy/a.py": "x = 1\n", "src/b.py": "y = 1\n", "src/c.map": "{}"})
    config = IndexConfig(exclude_dirs=("legacy",), exclude_extensions=(".map",))
    paths = [f.path for u in discover(tmp_path, config).units for f in u.files]
    assert paths == ["src/b.py"]
