"""pom.xml discovery: exact Package records for real fixture trees."""
from __future__ import annotations

from pathlib import Path

from symidx_tasks.model import Dependency, Package

from .manifest_helpers import discover


def unreadable(path: str, warning: str, manifests: list[str]) -> Package:
    return Package(path=path, name=path.rsplit("/", 1)[-1], kind="maven", match_key="",
                   manifests=manifests, warnings=[warning])


REACTOR = {
    "pom.xml": """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0"
                 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <modelVersion>4.0.0</modelVersion>
          <groupId>com.example</groupId>
          <artifactId>parent</artifactId>
          <version>${revision}</version>
          <packaging>pom</packaging>
          <name>Example parent</name>
          <properties>
            <revision>1.2.0</revision>
            <guava.version>33.0-jre</guava.version>
            <junit.version>4.13.2</junit.version>
          </properties>
          <modules>
            <module>core</module>
            <module>app/pom.xml</module>
          </modules>
          <dependencyManagement>
            <dependencies>
              <dependency>
                <groupId>com.google.guava</groupId>
                <artifactId>guava</artifactId>
                <version>${guava.version}</version>
              </dependency>
            </dependencies>
          </dependencyManagement>
          <dependencies>
            <dependency>
              <groupId>junit</groupId>
              <artifactId>junit</artifactId>
              <version>${junit.version}</version>
              <scope>test</scope>
            </dependency>
          </dependencies>
        </project>
    """,
    "core/pom.xml": """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent>
            <groupId>com.example</groupId>
            <artifactId>parent</artifactId>
            <version>${revision}</version>
          </parent>
          <artifactId>core</artifactId>
          <name>Core</name>
          <description>
             The   core
             library of ${project.artifactId}
          </description>
          <dependencies>
            <!-- version from the parent's dependencyManagement -->
            <dependency>
              <groupId>com.google.guava</groupId>
              <artifactId>guava</artifactId>
            </dependency>
            <dependency>
              <groupId>org.projectlombok</groupId>
              <artifactId>lombok</artifactId>
              <version>1.18.30</version>
              <scope>provided</scope>
              <optional>true</optional>
            </dependency>
          </dependencies>
          <profiles>
            <profile>
              <dependencies>
                <dependency><groupId>p</groupId><artifactId>in-profile</artifactId></dependency>
              </dependencies>
            </profile>
          </profiles>
        </project>
    """,
    "app/pom.xml": """
        <project>
          <parent>
            <groupId>com.example</groupId>
            <artifactId>parent</artifactId>
            <version>1.2.0</version>
            <relativePath>..</relativePath>
          </parent>
          <groupId>com.example.apps</groupId>
          <artifactId>app</artifactId>
          <version>2.0</version>
          <packaging>war</packaging>
          <dependencies>
            <dependency>
              <groupId>${project.parent.groupId}</groupId>
              <artifactId>core</artifactId>
              <version>${project.parent.version}</version>
            </dependency>
            <dependency>
              <groupId>x</groupId>
              <artifactId>y</artifactId>
              <version>${undefined.version}</version>
              <scope>runtime</scope>
              <type>test-jar</type>
              <classifier>tests</classifier>
            </dependency>
            <dependency><groupId>s</groupId><artifactId>sys</artifactId><scope>system</scope></dependency>
            <dependency><groupId>b</groupId><artifactId>bom</artifactId><scope>import</scope></dependency>
            <dependency><groupId>c</groupId><artifactId>odd</artifactId><scope>weird</scope></dependency>
            <dependency><artifactId>no-group</artifactId></dependency>
          </dependencies>
        </project>
    """,
}


def test_reactor_with_parent_and_modules(tmp_path: Path) -> None:
    found = discover(tmp_path, REACTOR)
    assert sorted(found) == [".", "app", "core"]
    assert found["."] == Package(
        path=".", name="com.example:parent", kind="maven", version="1.2.0", description="Example parent",
        metadata={"packaging": "pom", "modules": ["core", "app/pom.xml"]},
        dependencies=[
            Dependency("junit:junit", "test", "4.13.2", "maven:junit:junit", (("scope", "test"),)),
        ],
        match_key="maven:com.example:parent",
        manifests=["pom.xml"],
    )
    assert found["core"] == Package(
        path="core", name="com.example:core", kind="maven", version="1.2.0",
        description="The core library of core",
        metadata={"parent": "com.example:parent", "workspace": "."},
        dependencies=[
            Dependency("com.google.guava:guava", "runtime", "33.0-jre", "maven:com.google.guava:guava",
                       (("managed", "true"), ("scope", "compile"))),
            Dependency("org.projectlombok:lombok", "provided", "1.18.30", "maven:org.projectlombok:lombok",
                       (("optional", "true"), ("scope", "provided"))),
        ],
        match_key="maven:com.example:core",
        manifests=["core/pom.xml", "pom.xml"],
    )
    assert found["app"] == Package(
        path="app", name="com.example.apps:app", kind="maven", version="2.0", description=None,
        metadata={"packaging": "war", "parent": "com.example:parent", "workspace": "."},
        dependencies=[
            Dependency("b:bom", "import", None, "maven:b:bom", (("scope", "import"),)),
            Dependency("c:odd", "weird", None, "maven:c:odd", (("scope", "weird"),)),
            Dependency("com.example:core", "runtime", "1.2.0", "maven:com.example:core", (("scope", "compile"),)),
            Dependency("s:sys", "system", None, "maven:s:sys", (("scope", "system"),)),
            Dependency("x:y", "runtime", "${undefined.version}", "maven:x:y",
                       (("classifier", "tests"), ("scope", "runtime"), ("type", "test-jar"))),
        ],
        match_key="maven:com.example.apps:app",
        manifests=["app/pom.xml", "pom.xml"],
        warnings=["app/pom.xml: a <dependency> without groupId or artifactId is skipped"],
    )


def test_parent_chain_properties_and_relative_path(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        # A grandparent that is no aggregator: its properties still flow down.
        "parents/acme/pom.xml": """
            <project><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>7</version>
              <properties><lib.version>3.1</lib.version><base>${lib.version}-base</base></properties>
            </project>
        """,
        "platform/pom.xml": """
            <project>
              <parent><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>7</version>
                <relativePath>../parents/acme/pom.xml</relativePath></parent>
              <artifactId>platform</artifactId>
              <version>${base}</version>
              <packaging>pom</packaging>
              <modules><module>svc</module></modules>
            </project>
        """,
        "platform/svc/pom.xml": """
            <project>
              <parent><groupId>org.acme</groupId><artifactId>platform</artifactId><version>x</version></parent>
              <artifactId>svc</artifactId>
              <dependencies>
                <dependency><groupId>l</groupId><artifactId>lib</artifactId><version>${lib.version}</version></dependency>
              </dependencies>
            </project>
        """,
        # An empty relativePath: the parent comes from a repository, no file is read.
        "standalone/pom.xml": """
            <project>
              <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId>
                <version>3.2.0</version><relativePath/></parent>
              <artifactId>standalone</artifactId>
            </project>
        """,
        "standalone/child/pom.xml": """
            <project>
              <parent><groupId>other</groupId><artifactId>not-standalone</artifactId><version>1</version></parent>
              <artifactId>child</artifactId>
            </project>
        """,
    })
    assert found["parents/acme"].name == "org.acme:acme-parent"
    assert (found["platform"].name, found["platform"].version, found["platform"].manifests) == (
        "org.acme:platform", "3.1-base", ["platform/pom.xml", "parents/acme/pom.xml"])
    svc = found["platform/svc"]
    assert (svc.name, svc.version, svc.manifests, svc.metadata) == (
        "org.acme:svc", "x", ["platform/svc/pom.xml", "platform/pom.xml", "parents/acme/pom.xml"],
        {"parent": "org.acme:platform", "workspace": "platform"},
    )
    assert svc.dependencies == [Dependency("l:lib", "runtime", "3.1", "maven:l:lib", (("scope", "compile"),))]
    assert found["standalone"] == Package(
        path="standalone", name="org.springframework.boot:standalone", kind="maven", version="3.2.0",
        metadata={"parent": "org.springframework.boot:spring-boot-starter-parent"},
        match_key="maven:org.springframework.boot:standalone", manifests=["standalone/pom.xml"],
    )
    # ../pom.xml exists but is not the declared parent: not used, with a warning.
    child = found["standalone/child"]
    assert (child.name, child.version, child.manifests, child.warnings) == (
        "other:child", "1", ["standalone/child/pom.xml", "standalone/pom.xml"],
        ["standalone/child/pom.xml: standalone/pom.xml is org.springframework.boot:standalone, not the declared "
         "parent other:not-standalone; its properties are not used"],
    )


def test_grandparent_properties(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "pom.xml": """
            <project><groupId>org.acme</groupId><artifactId>root</artifactId><version>7</version>
              <packaging>pom</packaging>
              <properties><lib.version>3.1</lib.version><base>${lib.version}-base</base></properties>
              <modules><module>mid</module></modules>
            </project>
        """,
        "mid/pom.xml": """
            <project>
              <parent><groupId>org.acme</groupId><artifactId>root</artifactId><version>7</version></parent>
              <artifactId>mid</artifactId><version>${base}</version><packaging>pom</packaging>
              <properties><lib.version>3.2</lib.version></properties>
              <modules><module>leaf</module></modules>
            </project>
        """,
        "mid/leaf/pom.xml": """
            <project>
              <parent><groupId>org.acme</groupId><artifactId>mid</artifactId><version>3.2-base</version></parent>
              <artifactId>leaf</artifactId>
              <dependencies>
                <dependency><groupId>l</groupId><artifactId>lib</artifactId><version>${lib.version}</version></dependency>
                <dependency><groupId>l</groupId><artifactId>self</artifactId><version>${project.version}</version></dependency>
              </dependencies>
            </project>
        """,
    })
    # mid's own property overrides root's, and ${base} is resolved in mid's context.
    assert found["mid"].version == "3.2-base"
    leaf = found["mid/leaf"]
    assert leaf.manifests == ["mid/leaf/pom.xml", "mid/pom.xml", "pom.xml"]
    assert leaf.metadata == {"parent": "org.acme:mid", "workspace": "mid"}
    assert [(d.name, d.version_req) for d in leaf.dependencies] == [("l:lib", "3.2"), ("l:self", "3.2-base")]


def test_malformed_poms(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "broken/pom.xml": "<project><artifactId>x</artifact></project>",
        "entity/pom.xml": """
            <?xml version="1.0"?>
            <!DOCTYPE project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <project><groupId>g</groupId><artifactId>&xxe;</artifactId></project>
        """,
        "noartifact/pom.xml": "<project><groupId>g</groupId></project>",
        "nogroup/pom.xml": "<project><artifactId>a</artifactId></project>",
        "notpom/pom.xml": "<settings/>",
        "child/pom.xml": """
            <project><parent><groupId>g</groupId><artifactId>p</artifactId><version>1</version>
              <relativePath>../broken/pom.xml</relativePath></parent><artifactId>c</artifactId></project>
        """,
    })
    assert found["broken"] == unreadable(
        "broken", "broken/pom.xml: invalid POM: mismatched tag: line 1, column 24", ["broken/pom.xml"])
    assert found["entity"] == unreadable(
        "entity", "entity/pom.xml: invalid POM: entity declarations (<!ENTITY) are not allowed", ["entity/pom.xml"])
    assert found["noartifact"] == unreadable(
        "noartifact", "noartifact/pom.xml: <artifactId> is missing", ["noartifact/pom.xml"])
    assert found["nogroup"] == unreadable(
        "nogroup", "nogroup/pom.xml: <groupId> is missing (and no <parent> gives one)", ["nogroup/pom.xml"])
    assert found["notpom"] == unreadable(
        "notpom", "notpom/pom.xml: invalid POM: the root element is <settings>, not <project>", ["notpom/pom.xml"])
    # An unreadable parent still is a file_dep of the child: fixing it must re-run the child.
    assert found["child"] == Package(
        path="child", name="g:c", kind="maven", version="1", metadata={"parent": "g:p"}, match_key="maven:g:c",
        manifests=["child/pom.xml", "broken/pom.xml"],
        warnings=["child/pom.xml: parent POM broken/pom.xml is unreadable, so its properties are unknown"],
    )


def test_maven_owns_a_directory_before_gradle(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "pom.xml": "<project><groupId>g</groupId><artifactId>both</artifactId></project>",
        "build.gradle": "dependencies { implementation 'a:b:1' }",
    })
    assert (found["."].kind, found["."].name, found["."].manifests) == ("maven", "g:both", ["pom.xml"])
