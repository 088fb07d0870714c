"""cpanfile / META.json / Makefile.PL / Build.PL discovery: exact Package records."""
from __future__ import annotations

from pathlib import Path

from symidx_tasks.model import Dependency, Package

from .manifest_helpers import discover


def dep(name: str, kind: str, version: str | None, phase: str, relation: str = "requires",
        feature: str | None = None) -> Dependency:
    meta = {"phase": phase, "relation": relation} | ({"feature": feature} if feature else {})
    return Dependency(name, kind, version, "perl:" + name.replace("::", "-"), tuple(sorted(meta.items())))


CPANFILE = """
    # runtime
    requires 'perl', '5.010001';
    requires 'Plack', '1.0047';
    requires "JSON::XS" => "4.0";
    requires Moo => 2;
    recommends 'Cpanel::JSON::XS';
    suggests 'YAML';
    conflicts 'Bad::Mod', '< 1';
    requires 'Win32' if $^O eq 'MSWin32';
    test_requires 'Test::More', '0.98';
    build_requires 'ExtUtils::MakeMaker';
    author_requires 'Perl::Critic';   # requires 'In::Comment';

    on 'test' => sub {
        requires 'Test::Deep';
        recommends 'Test::Warnings', '0.030';
    };
    on develop => sub { requires 'Dist::Zilla'; };
    on 'configure' => sub {
        if ($ENV{X}) {
            requires 'Module::Build::Tiny', '0.034';
        }
    };
    feature 'sqlite', 'SQLite support' => sub {
        requires 'DBD::SQLite', '>= 1.0, < 2.0';
    };
    requires 'After::Blocks';

    =pod

    requires 'In::Pod';

    =cut

    requires 'After::Pod';
    __END__
    requires 'After::End';
"""


def test_cpanfile_app(tmp_path: Path) -> None:
    found = discover(tmp_path, {"app/cpanfile": CPANFILE})
    assert found == {"app": Package(
        path="app", name="app", kind="perl", metadata={"perl": "5.010001"},
        dependencies=[
            dep("After::Blocks", "runtime", None, "runtime"),
            dep("After::Pod", "runtime", None, "runtime"),
            dep("Cpanel::JSON::XS", "optional", None, "runtime", "recommends"),
            dep("DBD::SQLite", "optional:sqlite", ">= 1.0, < 2.0", "runtime", feature="sqlite"),
            dep("Dist::Zilla", "develop", None, "develop"),
            dep("ExtUtils::MakeMaker", "build", None, "build"),
            dep("JSON::XS", "runtime", "4.0", "runtime"),
            dep("Module::Build::Tiny", "build", "0.034", "configure"),
            dep("Moo", "runtime", "2", "runtime"),
            dep("Perl::Critic", "develop", None, "develop"),
            dep("Plack", "runtime", "1.0047", "runtime"),
            dep("Test::Deep", "test", None, "test"),
            dep("Test::More", "test", "0.98", "test"),
            dep("Test::Warnings", "test", "0.030", "test", "recommends"),
            dep("Win32", "runtime", None, "runtime"),
            dep("YAML", "optional", None, "runtime", "suggests"),
        ],
        match_key="perl:app",
        manifests=["app/cpanfile"],
    )}


def test_distribution_with_meta_json_and_cpanfile(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "Foo-Bar/cpanfile": "requires 'List::Util', '1.45';\n",
        "Foo-Bar/META.json": """
            {"name": "Foo-Bar", "version": "0.42", "abstract": "Bars for foos",
             "prereqs": {"runtime": {"requires": {"Ignored::Because::Cpanfile": "0"}}}}
        """,
        "Foo-Bar/Makefile.PL": "WriteMakefile(NAME => 'Not::Read');\n",
        # Depends on Foo::Bar, which is the distribution Foo-Bar of this repo.
        "meta/META.json": """
            {"name": "Meta-Dist", "version": 1.5, "abstract": "unknown",
             "prereqs": {"runtime": {"requires": {"perl": "5.006", "Try::Tiny": "0"},
                                     "recommends": {"Foo::Bar": "0.4"},
                                     "conflicts": {"Old": "1"}},
                         "develop": {"requires": {"Test::Pod": 1.41}}},
             "optional_features": {"xs": {"description": "fast",
                                          "prereqs": {"runtime": {"requires": {"Foo::XS": "1"}}}}}}
        """,
    })
    assert found["Foo-Bar"] == Package(
        path="Foo-Bar", name="Foo-Bar", kind="perl", version="0.42", description="Bars for foos",
        dependencies=[dep("List::Util", "runtime", "1.45", "runtime")],
        match_key="perl:Foo-Bar", manifests=["Foo-Bar/cpanfile", "Foo-Bar/META.json"],
    )
    assert found["meta"] == Package(
        path="meta", name="Meta-Dist", kind="perl", version="1.5", metadata={"perl": "5.006"},
        dependencies=[
            dep("Foo::Bar", "optional", "0.4", "runtime", "recommends"),
            dep("Foo::XS", "optional:xs", "1", "runtime", feature="xs"),
            dep("Test::Pod", "develop", "1.41", "develop"),
            dep("Try::Tiny", "runtime", "0", "runtime"),
        ],
        match_key="perl:Meta-Dist", manifests=["meta/META.json"],
    )
    # The dependency Foo::Bar and the package Foo-Bar share a match key.
    assert found["meta"].dependencies[0].match_key == found["Foo-Bar"].match_key


def test_makefile_pl_and_build_pl(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "mm/Makefile.PL": """
            use ExtUtils::MakeMaker;
            WriteMakefile(
                NAME             => 'Foo::Bar',   # DISTNAME => 'In-Comment'
                'VERSION_FROM'   => 'lib/Foo/Bar.pm',
                ABSTRACT         => 'Bars for foos',
                MIN_PERL_VERSION => '5.008',
                PREREQ_PM        => { 'List::Util' => '1.45', Carp => 0 },
                TEST_REQUIRES    => { 'Test::More' => '0.88' },
                CONFIGURE_REQUIRES => { "ExtUtils::MakeMaker" => "6.64" },
            );
        """,
        "mm/lib/Foo/Bar.pm": "package Foo::Bar;\nuse strict;\nour $VERSION = '0.42';\n1;\n",
        "distname/Makefile.PL": "WriteMakefile(NAME => 'X::Y', DISTNAME => 'x-y-dist', VERSION => 3);\n",
        "mb/Build.PL": """
            use Module::Build;
            Module::Build->new(
              module_name => 'My::Mod',
              dist_abstract => 'My module',
              requires => { 'Path::Tiny' => '0.1', perl => '5.010' },
              recommends => { 'JSON::MaybeXS' => 0 },
              build_requires => { 'Test::More' => 0 },
            )->create_build_script;
        """,
        "mb/lib/My/Mod.pm": "package My::Mod 1.07;\n1;\n",
        "mi/Makefile.PL": """
            use inc::Module::Install;
            name 'Mi-Dist';
            all_from 'lib/Mi/Dist.pm';
            requires 'Moose' => '2.0';
            test_requires 'Test::Exception';
            WriteAll;
        """,
        "mi/lib/Mi/Dist.pm": "package Mi::Dist;\nour $VERSION = \"1.0\";\n",
    })
    assert found["mm"] == Package(
        path="mm", name="Foo-Bar", kind="perl", version="0.42", description="Bars for foos",
        metadata={"module": "Foo::Bar", "perl": "5.008"},
        dependencies=[
            dep("Carp", "runtime", "0", "runtime"),
            dep("ExtUtils::MakeMaker", "build", "6.64", "configure"),
            dep("List::Util", "runtime", "1.45", "runtime"),
            dep("Test::More", "test", "0.88", "test"),
        ],
        match_key="perl:Foo-Bar", manifests=["mm/Makefile.PL", "mm/lib/Foo/Bar.pm"],
    )
    assert found["distname"] == Package(
        path="distname", name="x-y-dist", kind="perl", version="3", match_key="perl:x-y-dist",
        manifests=["distname/Makefile.PL"],
    )
    assert found["mb"] == Package(
        path="mb", name="My-Mod", kind="perl", version="1.07", description="My module",
        metadata={"module": "My::Mod", "perl": "5.010"},
        dependencies=[
            dep("JSON::MaybeXS", "optional", "0", "runtime", "recommends"),
            dep("Path::Tiny", "runtime", "0.1", "runtime"),
            dep("Test::More", "build", "0", "build"),
        ],
        match_key="perl:My-Mod", manifests=["mb/Build.PL", "mb/lib/My/Mod.pm"],
    )
    assert found["mi"] == Package(
        path="mi", name="Mi-Dist", kind="perl", version="1.0",
        dependencies=[dep("Moose", "runtime", "2.0", "runtime"), dep("Test::Exception", "test", None, "test")],
        match_key="perl:Mi-Dist", manifests=["mi/Makefile.PL", "mi/lib/Mi/Dist.pm"],
    )


def test_malformed_and_minimal(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "cpanfile": "requires 'Root::Dep';\n",
        "badjson/META.json": '{"name": "x",',
        "badjson/cpanfile": "requires 'X';\n",
        "badtypes/META.json": '{"name": ["x"]}',
        "badprereqs/META.json": '{"name": "P", "prereqs": {"runtime": {"requires": ["Not::A::Map"]}}}',
        "junk/cpanfile": "this is { not really ;; perl }} requires\n",
        "empty/Makefile.PL": "",
    })
    assert found["."] == Package(
        path=".", name="root", kind="perl", dependencies=[dep("Root::Dep", "runtime", None, "runtime")],
        match_key="perl:root", manifests=["cpanfile"],
    )
    assert found["badjson"] == Package(
        path="badjson", name="badjson", kind="perl", match_key="", manifests=["badjson/cpanfile", "badjson/META.json"],
        warnings=["badjson/META.json: invalid JSON: Expecting property name enclosed in double quotes: "
                  "line 1 column 14 (char 13)"],
    )
    assert found["badtypes"].warnings == ["badtypes/META.json: name: expected str, got list"]
    assert found["badprereqs"].warnings == [
        "badprereqs/META.json: prereqs.runtime.requires: expected dict, got list"]
    assert found["junk"] == Package(path="junk", name="junk", kind="perl", match_key="perl:junk",
                                    manifests=["junk/cpanfile"])
    assert found["empty"] == Package(path="empty", name="empty", kind="perl", match_key="perl:empty",
                                     manifests=["empty/Makefile.PL"])
