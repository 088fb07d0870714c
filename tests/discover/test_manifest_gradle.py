"""build.gradle(.kts) / settings.gradle(.kts) discovery: exact Package records."""
from __future__ import annotations

from pathlib import Path

import pytest

from symidx_tasks.discover.manifests.gradle import configuration_kind
from symidx_tasks.model import Dependency, Package

from .manifest_helpers import discover, packages_in


def conf(name: str, **extra: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({"configuration": name, **extra}.items()))


BUILD = {
    "settings.gradle": """
        // the build
        rootProject.name = 'demo'   // trailing comment
        include ':core', 'app'
        include(":libs:util")
        /* include ':ghost' */
        include ':gen'
        project(':gen').projectDir = file('tools/gen')
        includeBuild 'plugins'
    """,
    "gradle.properties": """
        # build-wide
        version=3.1
        org.gradle.jvmargs=-Xmx2g
    """,
    "build.gradle": """
        group = 'com.example'
        version = '2.0.0'
        description = "The demo"
        allprojects { version = '9' }
        dependencies {
            implementation project(':core')
            testImplementation 'junit:junit:4.13.2' // a comment with 'x:y:1'
            implementation group: 'org.slf4j', name: 'slf4j-api', version: '2.0.9'
            compile 'legacy:lib:1.0'
            testCompile 'legacy:test:1.0'
            constraints {
                implementation('pinned:only:2.0') { because 'CVE' }
            }
        }
    """,
    "core/build.gradle.kts": """
        description = "Core stuff"
        dependencies {
            api("com.google.guava:guava:33.0-jre")
            implementation(projects.libs.util)
            compileOnly("org.projectlombok:lombok:1.18.30")
            annotationProcessor("org.projectlombok:lombok:1.18.30")
            testImplementation(platform("org.junit:junit-bom:5.10.0"))
            testImplementation(kotlin("test"))
            testRuntimeOnly("org.junit.platform:junit-platform-launcher")
            testCompileOnly(group = "t", name = "only", version = "1")
            implementation(libs.jackson.databind)
            implementation(libs.bundles.logging)
            implementation(libs.missing)
            implementation(Deps.okio)
            implementation(files("x.jar"))
            runtimeOnly("org.postgresql:postgresql:42.7.1@jar")
            testImplementation(testFixtures(project(":libs:util")))
        }
    """,
    "app/build.gradle": """
        buildscript { dependencies { classpath 'com.android.tools.build:gradle:8.0.0' } }
        dependencies {
            implementation project(path: ':core'), 'a:b:1',
                'c:d:2:jdk8'
            debugImplementation "com.squareup.leakcanary:leakcanary-android:$leakVersion"
            androidTestImplementation('androidx.test:runner:1.5.2') { exclude group: 'x' }
            kapt 'com.google.dagger:dagger-compiler:2.50'
            kaptTest 'com.google.dagger:dagger-compiler:2.50'
            implementation libs.jackson.databind
            developmentOnly 'org.springframework.boot:spring-boot-devtools'
        }
    """,
    "libs/util/build.gradle": """
        version = "1.0-$suffix"  // not a literal: gradle.properties wins
        dependencies { implementation "x:y:1" }
    """,
    "tools/gen/build.gradle": "dependencies { }\n",
    "buildSrc/build.gradle.kts": 'plugins { `kotlin-dsl` }\n',
    "plugins/build.gradle": "group = 'com.example.plugins'\n",
    "other/build.gradle": "dependencies { implementation project(':core') }\n",
    "gradle/libs.versions.toml": """
        [versions]
        jackson = "2.16.0"
        [libraries]
        jackson-databind = { module = "com.fasterxml.jackson.core:jackson-databind", version.ref = "jackson" }
        slf4j = { group = "org.slf4j", name = "slf4j-api", version = { strictly = "2.0.9" } }
        logback = "ch.qos.logback:logback-classic:1.4.14"
        [bundles]
        logging = ["slf4j", "logback"]
    """,
}


def test_multi_project_build(tmp_path: Path) -> None:
    found = discover(tmp_path, BUILD)
    assert sorted(found) == [".", "app", "buildSrc", "core", "libs/util", "other", "plugins", "tools/gen"]
    assert found["."] == Package(
        path=".", name="demo", kind="gradle", version="2.0.0", description="The demo",
        metadata={"gradle_path": ":", "subprojects": [":app", ":core", ":gen", ":libs", ":libs:util"],
                  "group": "com.example"},
        dependencies=[
            Dependency(":core", "runtime", None, "gradle::core", conf("implementation")),
            Dependency("junit:junit", "test", "4.13.2", "maven:junit:junit", conf("testImplementation")),
            Dependency("legacy:lib", "runtime", "1.0", "maven:legacy:lib", conf("compile")),
            Dependency("legacy:test", "test", "1.0", "maven:legacy:test", conf("testCompile")),
            Dependency("org.slf4j:slf4j-api", "runtime", "2.0.9", "maven:org.slf4j:slf4j-api", conf("implementation")),
        ],
        match_key="gradle::",
        manifests=["build.gradle", "settings.gradle"],
    )
    assert found["core"] == Package(
        path="core", name="core", kind="gradle", version="3.1", description="Core stuff",
        metadata={"gradle_path": ":core", "workspace": "."},
        dependencies=[
            Dependency(":libs:util", "runtime", None, "gradle::libs:util", conf("implementation")),
            Dependency(":libs:util", "test", None, "gradle::libs:util",
                       conf("testImplementation", testFixtures="true")),
            Dependency("Deps.okio", "runtime", None, "", conf("implementation")),
            Dependency("ch.qos.logback:logback-classic", "runtime", "1.4.14", "maven:ch.qos.logback:logback-classic",
                       conf("implementation", catalog="libs.bundles.logging")),
            Dependency("com.fasterxml.jackson.core:jackson-databind", "runtime", "2.16.0",
                       "maven:com.fasterxml.jackson.core:jackson-databind",
                       conf("implementation", catalog="libs.jackson.databind")),
            Dependency("com.google.guava:guava", "runtime", "33.0-jre", "maven:com.google.guava:guava", conf("api")),
            Dependency("libs.missing", "runtime", None, "", conf("implementation")),
            Dependency("org.jetbrains.kotlin:kotlin-test", "test", None, "maven:org.jetbrains.kotlin:kotlin-test",
                       conf("testImplementation")),
            Dependency("org.junit.platform:junit-platform-launcher", "test", None,
                       "maven:org.junit.platform:junit-platform-launcher", conf("testRuntimeOnly")),
            Dependency("org.junit:junit-bom", "test", "5.10.0", "maven:org.junit:junit-bom",
                       conf("testImplementation", platform="true")),
            Dependency("org.postgresql:postgresql", "runtime", "42.7.1", "maven:org.postgresql:postgresql",
                       conf("runtimeOnly", ext="jar")),
            Dependency("org.projectlombok:lombok", "build", "1.18.30", "maven:org.projectlombok:lombok",
                       conf("annotationProcessor")),
            Dependency("org.projectlombok:lombok", "compile-only", "1.18.30", "maven:org.projectlombok:lombok",
                       conf("compileOnly")),
            Dependency("org.slf4j:slf4j-api", "runtime", "2.0.9", "maven:org.slf4j:slf4j-api",
                       conf("implementation", catalog="libs.bundles.logging")),
            Dependency("t:only", "test", "1", "maven:t:only", conf("testCompileOnly")),
        ],
        match_key="gradle::core",
        manifests=["core/build.gradle.kts", "settings.gradle", "gradle.properties", "gradle/libs.versions.toml"],
    )
    assert found["app"] == Package(
        path="app", name="app", kind="gradle", version="3.1",
        metadata={"gradle_path": ":app", "workspace": "."},
        dependencies=[
            Dependency(":core", "runtime", None, "gradle::core", conf("implementation")),
            Dependency("a:b", "runtime", "1", "maven:a:b", conf("implementation")),
            Dependency("androidx.test:runner", "test", "1.5.2", "maven:androidx.test:runner",
                       conf("androidTestImplementation")),
            Dependency("c:d", "runtime", "2", "maven:c:d", conf("implementation", classifier="jdk8")),
            Dependency("com.fasterxml.jackson.core:jackson-databind", "runtime", "2.16.0",
                       "maven:com.fasterxml.jackson.core:jackson-databind",
                       conf("implementation", catalog="libs.jackson.databind")),
            Dependency("com.google.dagger:dagger-compiler", "build", "2.50", "maven:com.google.dagger:dagger-compiler",
                       conf("kapt")),
            Dependency("com.google.dagger:dagger-compiler", "test", "2.50", "maven:com.google.dagger:dagger-compiler",
                       conf("kaptTest")),
            Dependency("com.squareup.leakcanary:leakcanary-android", "runtime", "$leakVersion",
                       "maven:com.squareup.leakcanary:leakcanary-android", conf("debugImplementation")),
            Dependency("org.springframework.boot:spring-boot-devtools", "dev", None,
                       "maven:org.springframework.boot:spring-boot-devtools", conf("developmentOnly")),
        ],
        match_key="gradle::app",
        manifests=["app/build.gradle", "settings.gradle", "gradle.properties", "gradle/libs.versions.toml"],
    )
    assert found["libs/util"] == Package(
        path="libs/util", name="util", kind="gradle", version="3.1",
        metadata={"gradle_path": ":libs:util", "workspace": "."},
        dependencies=[Dependency("x:y", "runtime", "1", "maven:x:y", conf("implementation"))],
        match_key="gradle::libs:util",
        manifests=["libs/util/build.gradle", "settings.gradle", "gradle.properties"],
    )
    # projectDir remapping: the directory is tools/gen, the project is :gen.
    gen = found["tools/gen"]
    assert (gen.name, gen.match_key, gen.metadata) == ("gen", "gradle::gen", {"gradle_path": ":gen", "workspace": "."})
    # buildSrc and included builds are builds of their own.
    assert found["buildSrc"] == Package(
        path="buildSrc", name="buildSrc", kind="gradle", metadata={"gradle_path": ":"},
        match_key="gradle:buildSrc:", manifests=["buildSrc/build.gradle.kts"],
    )
    assert found["plugins"] == Package(
        path="plugins", name="plugins", kind="gradle", metadata={"gradle_path": ":", "group": "com.example.plugins"},
        match_key="gradle:plugins:", manifests=["plugins/build.gradle", "settings.gradle"],
    )
    # Not included (settings often compute their includes): the path its location implies.
    assert found["other"] == Package(
        path="other", name="other", kind="gradle", version="3.1",
        metadata={"gradle_path": ":other", "workspace": "."},
        dependencies=[Dependency(":core", "runtime", None, "gradle::core", conf("implementation"))],
        match_key="gradle::other",
        manifests=["other/build.gradle", "settings.gradle", "gradle.properties"],
        warnings=["other/build.gradle: not included by settings.gradle; gradle path inferred from the directory"],
    )


def test_kotlin_settings_nested_build_and_settings_only_root(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        # A settings file alone makes its directory the root project.
        "java/settings.gradle.kts": """
            rootProject.name = "java-root"
            include(
                ":api",   // comment inside the call
                ":impl",
            )
            include("tools:cli")
        """,
        "java/api/build.gradle.kts": """
            group = "org.acme"
            version = "0.1"
        """,
        "java/impl/build.gradle.kts": """
            dependencies {
                implementation(project(":api"))
                implementation(project(path = ":tools:cli", configuration = "shadow"))
                testImplementation(projects.tools.cli)
                implementation(project("relative"))
            }
        """,
        "java/tools/cli/build.gradle": "",
        "java/api/gradle.properties": "version=9.9\ngroup: ignored\n",
        # A build script with no settings anywhere above it: a single-project build.
        "solo/build.gradle": "dependencies { implementation project(':x') }\n",
    })
    assert found["java"] == Package(
        path="java", name="java-root", kind="gradle",
        metadata={"gradle_path": ":", "subprojects": [":api", ":impl", ":tools", ":tools:cli"]},
        match_key="gradle:java:", manifests=["java/settings.gradle.kts"],
    )
    # Literal values in the script win over gradle.properties, which is then not read.
    assert found["java/api"] == Package(
        path="java/api", name="api", kind="gradle", version="0.1",
        metadata={"gradle_path": ":api", "workspace": "java", "group": "org.acme"},
        match_key="gradle:java:api", manifests=["java/api/build.gradle.kts", "java/settings.gradle.kts"],
    )
    assert found["java/impl"].dependencies == [
        Dependency(":api", "runtime", None, "gradle:java:api", conf("implementation")),
        Dependency(":impl:relative", "runtime", None, "gradle:java:impl:relative", conf("implementation")),
        Dependency(":tools:cli", "runtime", None, "gradle:java:tools:cli", conf("implementation")),
        Dependency(":tools:cli", "test", None, "gradle:java:tools:cli", conf("testImplementation")),
    ]
    cli = found["java/tools/cli"]
    assert (cli.name, cli.match_key, cli.manifests) == (
        "cli", "gradle:java:tools:cli", ["java/tools/cli/build.gradle", "java/settings.gradle.kts"])
    assert found["solo"] == Package(
        path="solo", name="solo", kind="gradle", metadata={"gradle_path": ":"},
        dependencies=[Dependency(":x", "runtime", None, "gradle:solo:x", conf("implementation"))],
        match_key="gradle:solo:", manifests=["solo/build.gradle"],
    )


def test_gradle_properties_of_the_project_before_the_root(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "settings.gradle": "include 'a'\n",
        "gradle.properties": "version = 1.0\ngroup = root.group\n",
        "a/gradle.properties": "version: 2.0\n",
        "a/build.gradle": "",
    })
    a = found["a"]
    assert (a.version, a.metadata, a.manifests) == (
        "2.0", {"gradle_path": ":a", "workspace": ".", "group": "root.group"},
        ["a/build.gradle", "settings.gradle", "a/gradle.properties", "gradle.properties"],
    )
    assert found["."].name == "root"


def test_both_dsls_and_tolerated_junk(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "build.gradle": """
            dependencies {
                implementation 'g:a:1' /* unterminated
        """,
        "build.gradle.kts": 'dependencies { implementation("ignored:x:1") }\n',
        "settings.gradle": "include ':m'\n",
        "settings.gradle.kts": 'include(":ignored")\n',
        "bad/build.gradle": "dependencies { implementation 'g:x:1'\n  implementation(\n",
        "bad/notutf8/build.gradle": "",
    })
    (tmp_path / "bad/notutf8/build.gradle").write_bytes(b"version = '\xff'\n")
    found = packages_in(tmp_path)
    root = found["."]
    assert root.warnings == [
        "build.gradle.kts: ignored, Gradle uses build.gradle when both exist",
        "settings.gradle.kts: ignored, Gradle uses settings.gradle when both exist",
    ]
    assert root.manifests == ["build.gradle", "settings.gradle"]
    assert root.metadata == {"gradle_path": ":", "subprojects": [":m"]}
    assert root.dependencies == [Dependency("g:a", "runtime", "1", "maven:g:a", conf("implementation"))]
    # Unclosed brackets: whatever can be read is read.
    assert found["bad"].dependencies == [Dependency("g:x", "runtime", "1", "maven:g:x", conf("implementation"))]
    assert found["bad/notutf8"] == Package(
        path="bad/notutf8", name="notutf8", kind="gradle", match_key="",
        manifests=["bad/notutf8/build.gradle"],
        warnings=["bad/notutf8/build.gradle: not UTF-8 (invalid start byte at byte 11)"],
    )


@pytest.mark.parametrize(("name", "kind"), [
    ("implementation", "runtime"), ("api", "runtime"), ("compileOnly", "compile-only"),
    ("compileOnlyApi", "compile-only"), ("runtimeOnly", "runtime"), ("testImplementation", "test"),
    ("testRuntimeOnly", "test"), ("testCompileOnly", "test"), ("annotationProcessor", "build"),
    ("kapt", "build"), ("ksp", "build"), ("kspTest", "test"), ("testAnnotationProcessor", "test"),
    ("compile", "runtime"), ("testCompile", "test"), ("integrationTestImplementation", "test"),
    ("testFixturesApi", "test"), ("debugApi", "runtime"), ("releaseCompileOnly", "compile-only"),
    ("classpath", None), ("exclude", None), ("kaptor", None), ("because", None),
])
def test_configuration_kinds(name: str, kind: str | None) -> None:
    assert configuration_kind(name) == kind
