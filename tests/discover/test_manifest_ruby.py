"""*.gemspec / Gemfile discovery: exact Package records."""
from __future__ import annotations

from pathlib import Path

from symidx_tasks.model import Dependency, Package

from .manifest_helpers import discover, packages_in


def dep(name: str, kind: str, version: str | None, declared_in: str, **meta: str) -> Dependency:
    return Dependency(name, kind, version, f"ruby:{name}", tuple(sorted({"declared_in": declared_in, **meta}.items())))


GEM = {
    "gems/my_gem/my_gem.gemspec": """
        # frozen_string_literal: true
        require_relative "lib/my_gem/version"

        Gem::Specification.new do |spec|
          spec.name          = "my_gem"
          spec.version       = MyGem::VERSION
          spec.authors       = ["A"]
          spec.summary       = %q{A gem # not a comment}
          spec.description   = "Longer"
          spec.add_dependency "rack", ">= 2.0", "< 4"
          spec.add_runtime_dependency("json", ["~> 2.6"])
          spec.add_development_dependency 'rspec', '~> 3.12' # test
          spec.add_dependency "zeitwerk"
          spec.add_dependency(
            "multi_line",
            "~> 1.0"
          )
          # spec.add_dependency "commented"
        end
    """,
    "gems/my_gem/lib/my_gem/version.rb": """
        module MyGem
          VERSION = "0.3.1".freeze
        end
    """,
    # A decoy that must not be read: the constant's own file is found first.
    "gems/my_gem/lib/my_gem/other/version.rb": 'VERSION = "9.9.9"\n',
    "gems/my_gem/Gemfile": """
        source "https://rubygems.org"
        gemspec
        gem "rake", "~> 13.0"
    """,
    "apps/web/Gemfile": """
        source 'https://rubygems.org'
        ruby '3.2.2'
        gem 'rails', '~> 7.1', '>= 7.1.2'
        gem 'pg', '~> 1.5', require: false
        gem 'my_gem', path: '../../gems/my_gem'
        gem 'bootsnap', require: false if RUBY_VERSION >= "3"
        gem 'tzinfo-data', platforms: %i[windows jruby]
        gem 'sidekiq', :group => :jobs
        gem 'solargraph', group: [:development, :tools]
        group :development, :test do
          gem 'debug', platforms: %i[mri windows]
          if ENV['X']
            gem 'pry'
          end
        end
        group :test do
          gem 'capybara'
          gem "selenium-webdriver",
            "~> 4.10"
        end
        platforms :jruby do
          gem 'jdbc'
        end
        group(:production) do
          gem 'lograge'
        end
        gem 'puma', github: 'puma/puma'
        gem 'local', git: 'https://example.com/local.git', branch: 'main'
    """,
}


def test_gem_and_app(tmp_path: Path) -> None:
    found = discover(tmp_path, GEM)
    assert sorted(found) == ["apps/web", "gems/my_gem"]
    assert found["gems/my_gem"] == Package(
        path="gems/my_gem", name="my_gem", kind="ruby", version="0.3.1", description="A gem # not a comment",
        dependencies=[
            dep("json", "runtime", "~> 2.6", "gemspec"),
            dep("multi_line", "runtime", "~> 1.0", "gemspec"),
            dep("rack", "runtime", ">= 2.0, < 4", "gemspec"),
            dep("rake", "runtime", "~> 13.0", "Gemfile"),
            dep("rspec", "dev", "~> 3.12", "gemspec"),
            dep("zeitwerk", "runtime", None, "gemspec"),
        ],
        match_key="ruby:my_gem",
        manifests=["gems/my_gem/my_gem.gemspec", "gems/my_gem/Gemfile", "gems/my_gem/lib/my_gem/version.rb"],
    )
    assert found["apps/web"] == Package(
        path="apps/web", name="web", kind="ruby",
        dependencies=[
            dep("bootsnap", "runtime", None, "Gemfile"),
            dep("capybara", "test", None, "Gemfile", groups="test"),
            dep("debug", "dev", None, "Gemfile", groups="development,test"),
            dep("jdbc", "runtime", None, "Gemfile"),
            dep("local", "runtime", None, "Gemfile", git="https://example.com/local.git"),
            dep("lograge", "runtime", None, "Gemfile", groups="production"),
            dep("my_gem", "runtime", None, "Gemfile", path="../../gems/my_gem"),
            dep("pg", "runtime", "~> 1.5", "Gemfile"),
            dep("pry", "dev", None, "Gemfile", groups="development,test"),
            dep("puma", "runtime", None, "Gemfile", github="puma/puma"),
            dep("rails", "runtime", "~> 7.1, >= 7.1.2", "Gemfile"),
            dep("selenium-webdriver", "test", "~> 4.10", "Gemfile", groups="test"),
            dep("sidekiq", "jobs", None, "Gemfile", groups="jobs"),
            dep("solargraph", "dev", None, "Gemfile", groups="development,tools"),
            dep("tzinfo-data", "runtime", None, "Gemfile"),
        ],
        match_key="ruby:web",
        manifests=["apps/web/Gemfile"],
    )
    # The app's dependency on my_gem is internal: same match key.
    assert found["apps/web"].dependencies[6].match_key == found["gems/my_gem"].match_key


def test_gemspec_variants(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        # Brace block, another variable name, a literal version, nested constant path.
        "a/a.gemspec": """
            Gem::Specification.new { |s|
              s.name = 'a'
              s.version = '1.0.0'
              s.description = 'only a description'
            }
        """,
        "b/b-tool.gemspec": """
            Gem::Specification.new do |gem|
              gem.name = "b-tool"
              gem.version = B::Tool::VERSION
            end
        """,
        "b/lib/b/tool/version.rb": "module B\n  module Tool\n    VERSION = '2.1'\n  end\nend\n",
        # The constant's file is elsewhere: the other lib/**/version.rb are tried.
        "c/c.gemspec": """
            Gem::Specification.new do |s|
              s.name = "c"
              s.version = Weird::VERSION
            end
        """,
        "c/lib/c/version.rb": "module C\n  VERSION = '3.0'\nend\n",
        # No version to be found, a computed name.
        "d/dee.gemspec": """
            Gem::Specification.new do |s|
              s.name = File.basename(__FILE__, ".gemspec")
              s.version = File.read("VERSION").strip
              s.summary = "interpolated #{1}"
            end
        """,
        # Several gemspecs: the first by name.
        "multi/b.gemspec": 'Gem::Specification.new { |s| s.name = "b" }\n',
        "multi/a.gemspec": 'Gem::Specification.new do |s| s.name = "a" end\n',
        "bad/bad.gemspec": "puts 1\n",
        "gemsrb/gems.rb": "gem 'x'\n",
        "orphan/Gemfile": "gemspec\ngem 'y'\n",
        "elsewhere/Gemfile": "gemspec path: '../a'\n",
    })
    assert found["a"] == Package(path="a", name="a", kind="ruby", version="1.0.0", description="only a description",
                                 match_key="ruby:a", manifests=["a/a.gemspec"])
    assert found["b"] == Package(path="b", name="b-tool", kind="ruby", version="2.1", match_key="ruby:b-tool",
                                 manifests=["b/b-tool.gemspec", "b/lib/b/tool/version.rb"])
    assert found["c"] == Package(path="c", name="c", kind="ruby", version="3.0", match_key="ruby:c",
                                 manifests=["c/c.gemspec", "c/lib/c/version.rb"])
    assert found["d"] == Package(path="d", name="dee", kind="ruby", match_key="ruby:dee", manifests=["d/dee.gemspec"],
                                 warnings=["d/dee.gemspec: no literal spec.name; named after the file"])
    assert found["multi"] == Package(
        path="multi", name="a", kind="ruby", match_key="ruby:a", manifests=["multi/a.gemspec"],
        warnings=["multi: several gemspecs (a.gemspec, b.gemspec); only a.gemspec is read"],
    )
    assert found["bad"] == Package(
        path="bad", name="bad", kind="ruby", match_key="", manifests=["bad/bad.gemspec"],
        warnings=["bad/bad.gemspec: no `Gem::Specification.new do |spec|` block"],
    )
    assert found["gemsrb"] == Package(path="gemsrb", name="gemsrb", kind="ruby", match_key="ruby:gemsrb",
                                      dependencies=[dep("x", "runtime", None, "Gemfile")],
                                      manifests=["gemsrb/gems.rb"])
    assert found["orphan"].warnings == ["orphan/Gemfile: `gemspec` directive but no .gemspec in this directory"]
    assert found["elsewhere"].warnings == []


def test_root_gemfile_and_unreadable(tmp_path: Path) -> None:
    found = discover(tmp_path, {"Gemfile": "gem 'rails'\n", "enc/Gemfile": ""})
    (tmp_path / "enc/Gemfile").write_bytes(b"gem '\xff'\n")
    found = packages_in(tmp_path)
    assert found["."] == Package(path=".", name="root", kind="ruby", match_key="ruby:root",
                                 dependencies=[dep("rails", "runtime", None, "Gemfile")], manifests=["Gemfile"])
    assert found["enc"] == Package(path="enc", name="enc", kind="ruby", match_key="", manifests=["enc/Gemfile"],
                                   warnings=["enc/Gemfile: not UTF-8 (invalid start byte at byte 5)"])
