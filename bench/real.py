"""Assemble real monorepos for the bench from pinned registry packages.

    python bench/real.py --shape js --out /tmp/real-js [--git]
    python bench/real.py --shape all --out /tmp/real --git     # /tmp/real/{js,jvm,mixed}
    python bench/run.py --tree /tmp/real-js --reps 1

Shapes (every file real, from the registries this project reaches; only the
workspace glue that ties the packages together is written here):

``js``     an npm workspace: ~90 npm packages under ``packages/`` (TS and JS,
           some with their test fixtures, expo modules with their Kotlin/Swift
           sides) and the ~200 packages the ``npm`` tarball bundles, moved to
           ``bundled/`` (each its own package.json).
``jvm``    a Gradle multi-project build: React Native's ReactAndroid (Java +
           Kotlin) and the ``android/`` project of ~50 expo and React Native
           modules, included by a generated root ``settings.gradle.kts``; the
           React Native Gradle plugin as a build of its own.
``mixed``  Python sdists from PyPI, Go modules and Rust crates from Debian's
           ``golang-*-dev`` / ``librust-*-dev`` packages (which ship sources).

Every download is pinned by version and SHA-256 in the tables below and kept
in a cache outside the repository (``--cache``, default $SYMIDX_BENCH_CACHE or
~/.cache/symidx-bench); a download whose digest differs is deleted and the
assembly stops. Only the pinned packages are ever asked for.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SHAPES = ("js", "jvm", "mixed")


class RealTreeError(RuntimeError):
    pass


@dataclass(frozen=True)
class Source:
    """One pinned download and where its files go in the tree.

    ``take``: archive paths (after the archive's single top directory, if it has
    one) to copy, each keeping its path below ``dest``; empty takes everything.
    A taken path that is a directory is copied into ``dest`` itself when it is
    the only one (``take=("android",)`` makes ``dest`` the android project).
    ``bundled``: npm only; the tarball's ``node_modules/*`` packages go to
    ``<bundled>/<name>`` instead of staying inside the package.
    """

    registry: str  # "npm" | "pypi" | "deb"
    name: str
    version: str
    sha256: str
    dest: str
    take: tuple[str, ...] = ()
    bundled: str | None = None

    @property
    def filename(self) -> str:
        ext = {"npm": ".tgz", "pypi": ".tar.gz", "deb": ".deb"}[self.registry]
        return f"{self.name.replace('@', '').replace('/', '-')}-{self.version}{ext}".replace(":", "%3a")


# npm: name -> (version, sha256 of the tarball `npm pack` writes)
NPM: dict[str, tuple[str, str]] = {
    "@react-native-async-storage/async-storage": (
        "1.23.1", "fe2624bbc263c1471b59597369d2738bddea155b9c551f7bd704e9dfe0a7ec39"),
    "@react-native-community/netinfo": ("11.3.3", "afdf477d38761cd59cd5ac0d2e2728c2c1415b1e1bb25f4e4343a450e91a8520"),
    "@react-native/gradle-plugin": ("0.74.89", "1713215f632483e04f50b40615049a0212fef805b74b59d69e540ba93f8eaeef"),
    "@types/node": ("20.14.10", "4cf21ae9e110bcbaa23133e2aa29140ea7bfdbc8eb546b42fd4c169df1a1ced3"),
    "@types/react": ("18.3.3", "77c1d95c473ab5e54bd353b51544fe6326ed7cd619b307f4466be9d054149dde"),
    "acorn": ("8.12.1", "47c9c4a94898462530bf1f651b5d16483b54d00738f14e9998a23de72db752b6"),
    "ajv": ("8.16.0", "e16e63cca4da3ad832f6ed6a2b2b48bb721a5dc826bbecbdfb897e7806343a69"),
    "array-includes": ("3.1.8", "6c02941308a12fb27c019d7525598e68328865edc6cdeba92af74a64aa773b2c"),
    "array.prototype.flat": ("1.3.2", "2df9be9e3c87c41c12ef4b1c0c330500cc12b2261841497d7fe54b22b15dc263"),
    "call-bind": ("1.0.7", "ab2074693b08997c32d6dc0f2e3338bdf25ef01f5aa443e6958ac280cd22591e"),
    "deep-equal": ("2.2.3", "02887309deedb2dd564a72712687f3736b27d02b11f9d45fecfdca479c6c96cf"),
    "define-properties": ("1.2.1", "5de7e3804fadee9d773cd494b695e6efedfee8837e751fd9b9b77c3e9c6b40f4"),
    "es-abstract": ("1.23.3", "5f295806ddefa7f65399b11229b16edba8383f8435ba6991d76aa208208079c7"),
    "es-to-primitive": ("1.2.1", "f30558271d77e69fffa5eea8b4d990fff7cfa9d33e1168d0e28982179e698bea"),
    "expo-application": ("5.9.1", "fc0272168d1979b62ba650d9d6bc666ae8bdec2d85b37b3153f37fe42300192b"),
    "expo-av": ("14.0.7", "a1a715d6fefc43c76e30e28de83025d379d544f2b39d7cbb0116c476b511798c"),
    "expo-battery": ("8.0.1", "18ba44c0434beef57a78460ff7f9edfc2d6e5efe1514407c37e8f11756ad72bd"),
    "expo-blur": ("13.0.3", "87c21a186e540f4f2c1d4a41d446e703ead7e06bcc8cf64c092389e7e38b871a"),
    "expo-brightness": ("12.0.1", "6f42310f56857fb52f75fc36a1213ac165b5d78a4ef22319be5144274c149dc0"),
    "expo-calendar": ("13.0.5", "4a3db4daabd3723919ebc69a0cadc0d7068debced587147aaf37ada0a3b7d2f3"),
    "expo-camera": ("15.0.14", "298342311fb2c44b1b3906c5ede02b07c00aa79612bc2b0c166cd52ce7b4cf82"),
    "expo-clipboard": ("6.0.3", "e97aac5aea7b65993e255fd49a86db56b9e2b1269c0626e4c424c8aea61bfc9e"),
    "expo-constants": ("16.0.2", "cccfc74b09a89d0fe191db32faa7c5c2bc3178a189dc46e8393f38f4b4fa5031"),
    "expo-contacts": ("13.0.5", "69e4e0e2fc4f051b392545247c1c966967651d6cc876307149cf7ad35f195995"),
    "expo-crypto": ("13.0.2", "61c84a830dd0c40cba807dbb5e86d9f807980ea1045995913afcf25ea1f5d044"),
    "expo-device": ("6.0.2", "8a1a27af5df8c350f4b207ca4fba6334f8d4ee0680f85ecd919f6fb1a39418a0"),
    "expo-document-picker": ("12.0.2", "310fb190a56b32e4a0c404d9db10170abf11e5c7831781a4902d41f6e91e8d8e"),
    "expo-file-system": ("17.0.1", "b6fe74d2c4922754681f88337e8933af0f666c09c0bce011ab3d2ec5e83150c5"),
    "expo-font": ("12.0.10", "d8ec0b3c206af2ea613a9ceb960adaae8fcc9f405a00a2bd3e999c8d09364a2e"),
    "expo-gl": ("14.0.2", "2cb741a518e4ff9f6113bfca894a3756cbe207646ea138d9bfc2ca9c4edc203f"),
    "expo-haptics": ("13.0.1", "42a6d0fffdbd6280a787a0798457e56afe5be50c8993728c972a579f6698c77c"),
    "expo-image": ("1.12.15", "e9dd656c85ee2cf721c0e280da3b06d327e16e8c5ed4b2fe56197805f58f1e59"),
    "expo-image-manipulator": ("12.0.5", "f716a0519ec33f5de90a5e09ced3f5fe44f87b6bd1e106a101d7d617cd4bca46"),
    "expo-image-picker": ("15.0.7", "a2492c3a9da72bc2f598018ffcc4a0e827804f4a2948ce3a8f834631e360ce85"),
    "expo-keep-awake": ("13.0.2", "5e994063adfb1db83782aeb7654d291ba526fae218959f68c19adc2481170239"),
    "expo-linear-gradient": ("13.0.2", "2c05c140f09f279a02d4e4ab0e6383fb259883431452eb260de41ae5846c9d32"),
    "expo-local-authentication": ("14.0.1", "d9446f1efcd80d18e90fdcf38af47cc4b7b99e66678e1ac66fe36f2f2952dde9"),
    "expo-localization": ("15.0.3", "12e370cef25f93c64b2d490fdbf05c160fd1f4259952e10258d14085c5c19801"),
    "expo-location": ("17.0.1", "32268349f720e050941ad9fc6930eaa8b8d635772f312c3037b13c78f7a93cd6"),
    "expo-media-library": ("16.0.5", "c92491b1767b6739e13287ea8b0e44c2cfe1885987b70f8a645cd0d150b84de1"),
    "expo-modules-core": ("1.12.19", "7dbc8f61dfb208d9d2882d205f1e247d086da8220ea2e5c46d7f41f2230fb988"),
    "expo-navigation-bar": ("3.0.7", "c5b2378c7d6cb05b7ed3d9127430912f8466f8709ff92b19fa1cec1b8b3dab53"),
    "expo-network": ("6.0.1", "5bd428710f0352f181f64bde44b0b9dba98a6f9a01bcf23efacded182b1f2261"),
    "expo-notifications": ("0.28.19", "7706979f9cce04b018d4ae7c21c9e145ae6ec1bdbd65ae8e5a344f9e2a3dec39"),
    "expo-print": ("13.0.1", "947ef81fe92c7570edb83644533c24e86e4937a93f10105f69e51b92e76b59ee"),
    "expo-screen-orientation": ("7.0.5", "675fa23e69e5abc2e142601692facd72fca20ff2e2345dfb0b02fc173b8a54dd"),
    "expo-secure-store": ("13.0.2", "01ac0166205e58d1597e6e52278aa36325042a2f0038d7bd9c67a8ad5e14c4f8"),
    "expo-sensors": ("13.0.9", "2164d1edb1385fea0117003f4452a009cc4d8519ed26d30ee2585868bf6576bd"),
    "expo-sharing": ("12.0.1", "52fa5b0d4b040c80c9c4358b5fffb5f4f69a94378d9560d2ac2ca362bd885327"),
    "expo-speech": ("12.0.2", "9dea74674756db4eeba88f78fbfd46222831454bb047f8916ed8be24db368afd"),
    "expo-splash-screen": ("0.27.7", "368675753bb1401b16121799139d2cace6b5a51f8a106dee756771165e865fb7"),
    "expo-sqlite": ("14.0.6", "f64ce2c5680a8b0994e8669007b80aaff185ef45847a0e7dbb92e5e62cd4463c"),
    "expo-system-ui": ("3.0.7", "7d59e206f9415bd626207caf73165c1b7d4b9a57b77c588824250ec59531d06e"),
    "expo-task-manager": ("11.8.2", "7d915a9be0f536e2cfb3d91598b9beaed9e3dd2286d61d99f56f4fa52d40cb1e"),
    "expo-updates": ("0.25.28", "431b98058de56ff509f719f0201bfe078dd539b2b2a45517eef4ea10c06d7066"),
    "expo-video": ("1.1.10", "e311d5fa2a3bcb400178b7277609f7beab0535c86eb64b98fd4c90c1cb6f90a9"),
    "expo-web-browser": ("13.0.3", "07521945d4c072ba0c086f8238b54aa8b1beb2fe67001fe35681af9b8f9657a8"),
    "function-bind": ("1.1.2", "704402651b02a1454f17d445fc7dd716efc282d059407126d58ef30a47e807aa"),
    "get-intrinsic": ("1.2.4", "2831ff80a482fd9badcbae0dc7ee6986aed32b65f07968e111273f737fd0b5c7"),
    "gopd": ("1.0.1", "9c9010d9d387ecc92aebc028aca5ce8a954006274a605f96b55e15a57f4c2643"),
    "has-symbols": ("1.0.3", "ddcc17682f1e12a9d00a1a8b656af941ed584914e55fc5caf1c2e7ce892ce6a6"),
    "hasown": ("2.0.2", "50cdc4d2cd11ae04b6ee29f328d09022244962e5dfab303c8fc223ff8dfa807d"),
    "is-callable": ("1.2.7", "1b5c6e4e8ab142a6857fca2fb79d880ba64f2c4ad87907b583934d04b503c3a1"),
    "is-regex": ("1.1.4", "2791dd704e8ad3e7ec22e03c68fd8ae82dcc640a8592696fbf6c940691a3303c"),
    "lottie-react-native": ("6.7.2", "efaad69563a5a3c9d7f8c3a57ea541d2abfcd00267d44c87d7379f30fe3a9df9"),
    "minimist": ("1.2.8", "350a76c115b393c19d24654834261e5dc9f0e8cc5e08f3937fa80140f3e4ce83"),
    "npm": ("10.8.3", "b7dc7eb48d7479b93668e913c7ad686ab2aa71c705d4a56b5323d1bffdba2972"),
    "object-inspect": ("1.13.2", "e8afb1f26494c76a04e0b1715e9b7a7ac8d5a615569480f2e102bc4ec6af19db"),
    "object-keys": ("1.1.1", "9678d9055619767c8a134033709e88a6e0a19600f3d3f2cda40acdfd75e7f212"),
    "object.assign": ("4.1.5", "f46a439010bacef0b69f3d090655469a14e5aa1729315df088fd1ecf6868def7"),
    "object.entries": ("1.1.8", "6ac0f551c8f754aaa4366fca0803c157d17fff958a9204313657123ea54ee7c0"),
    "qs": ("6.13.0", "abffeabbdedc8e466c1bd75227e14ceb76e77f61be475dfcee0d3bbe6dd608fd"),
    "react-native": ("0.74.5", "0b270b32d7a98cd08e78f63aa17edcdd5d38de99fbc621ef1ff2deb7aff5dace"),
    "react-native-gesture-handler": ("2.16.2", "cba4096707d40d4af7fb01ac8ca183338d3a5e7b53605902192d22dd5631c651"),
    "react-native-maps": ("1.14.0", "907c9131a14181795cb5dd17dfc1d98ee346a9e235bfe0cc8b22debf8b67e9c7"),
    "react-native-reanimated": ("3.10.1", "8df508f96fcc187972c0df7b75643835d56e2a1f86f99b8d9bd5731c8affa63f"),
    "react-native-safe-area-context": ("4.10.9", "7982c32aab0c5c6987177fa54f77776ccefbab587dfc9ef7a1cb7a6429723b3c"),
    "react-native-screens": ("3.31.1", "09d97a147fdee0e2531f52f575c21905354a3800f062515a29d37adcb9e5ba6b"),
    "react-native-svg": ("15.2.0", "aeae7575fdb69a82786ab7b2761d487bf376200fc50bee91192be476111e40d6"),
    "react-native-webview": ("13.8.7", "a84a5395ba2104ad40c37aa5d96d4ed746003fc517454ff7747a0a75f15a0a39"),
    "resolve": ("1.22.8", "f544b6095ce58250db23955aeaae09508d93b12d1b77e697c7d4818f8a3b6eb0"),
    "semver": ("7.6.2", "def1e6490ac0c7810b0b815fe6542f3213d44c95b068059dcac2f81e2c2237a4"),
    "side-channel": ("1.0.6", "3103027be986abe038baef68b94f342d30d5a2b5271f44ba800f5dee0005d5fa"),
    "string.prototype.trim": ("1.2.9", "5d3b2b089db91f78e2e154f0bb125212bc1ede495e4f935e09dc70a7015dad56"),
    "tape": ("5.8.1", "44844a042704ead6a32e1aa364c2a44512e0951369546e46cef1e29e845b5846"),
    "which-typed-array": ("1.1.15", "b70bf0352422c2269daa5994d2d1e061e1834f053958b5576964ac5f951e2914"),
    "yargs": ("17.7.2", "48ec935f10b5d760620a2670fcb2e237a7dee58a1bd4a53f1908dd7dcb83aec9"),
    "zod": ("3.23.8", "461cea3c57c75a4ee97bf678e9e4669d963fc57c6ecec93a858aba11ca709e19"),
}

# PyPI sdists: name -> (version, sha256)
PYPI: dict[str, tuple[str, str]] = {
    "django": ("5.0.7", "bd4505cae0b9bd642313e8fb71810893df5dc2ffcacaa67a33af2d5cd61888f2"),
    "attrs": ("23.2.0", "935dc3b529c262f6cf76e50877d35a4bd3c1de194fd41f47a2b7ae8f19971f30"),
    "black": ("24.4.2", "c872b53057f000085da66a19c55d68f6f8ddcac2642392ad3a355878406fbd4d"),
    "requests": ("2.32.3", "55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760"),
}

# Debian (bookworm) binary packages that ship sources: name -> (version, sha256, path inside, dest)
DEB: dict[str, tuple[str, str, str, str]] = {
    "golang-golang-x-tools-dev": ("1:0.5.0+ds-1", "d0cf4252c020c3ee79707619f925444779070dc1307cd8af1ed99bc8eaf7b3c5",
                                  "usr/share/gocode/src/golang.org/x/tools", "go/tools"),
    "golang-golang-x-net-dev": ("1:0.7.0+dfsg-1", "ddfa0ab08e6caf68eb51c96f9b8ba7c3ab6c93aada7147c3a20a187e38a9d259",
                                "usr/share/gocode/src/golang.org/x/net", "go/net"),
    "golang-google-grpc-dev": ("1.33.3-2", "d6f918cc84a7186d5bf08d21bd3b210db5fb68b34887dca2ff89d47ca37b8749",
                               "usr/share/gocode/src/google.golang.org/grpc", "go/grpc"),
    "golang-github-prometheus-client-golang-dev": (
        "1.14.0-3", "b95081bf869abc26d70ba2a1dfd9d0ac6675b6ac95c9ffa6e25971ee862e7016",
        "usr/share/gocode/src/github.com/prometheus/client_golang", "go/client_golang"),
    "golang-github-spf13-cobra-dev": ("1.6.1-1", "4f5d20855133319beef3c5b49d3c21a0406f270bf94fb4b6f4d406b691283cb2",
                                      "usr/share/gocode/src/github.com/spf13/cobra", "go/cobra"),
    "librust-tokio-dev": ("1.24.2-1", "8b6d6c9cbfcf1980136c4a1472c31053c3282bcd905b73f5201292c62fb5f873",
                          "usr/share/cargo/registry/tokio-1.24.2", "rust/tokio"),
    "librust-serde-dev": ("1.0.152-2", "c3ff1f1db5056118a102a6b06043cea152bf0b63e96fd71a16e9c827959fcc78",
                          "usr/share/cargo/registry/serde-1.0.152", "rust/serde"),
    "librust-regex-dev": ("1.7.1-1", "9b8c87bb5aa87c0095f4cc36ed829c80e815c2f71337325bd6e25f8de1fba7f7",
                          "usr/share/cargo/registry/regex-1.7.1", "rust/regex"),
    "librust-clap-dev": ("4.0.32-1", "00922f24c3eb5a899ae4438ebf7be2e82085559ee45055dbc856cdb113de9ebb",
                         "usr/share/cargo/registry/clap-4.0.32", "rust/clap"),
    "librust-syn-dev": ("1.0.107-1", "64bfca244ab8ec45a4da1f5d64411af34f2d6eac7ac094f4f1dce9bf0b8a3699",
                        "usr/share/cargo/registry/syn-1.0.107", "rust/syn"),
    "librust-hyper-dev": ("0.14.19-1", "aece343fc0a52b2bc5f479962d8ed191ee4ac75716224cfdc693515234e2beef",
                          "usr/share/cargo/registry/hyper-0.14.19", "rust/hyper"),
}

_JVM_ONLY = {"react-native", "@react-native/gradle-plugin"}
# Packages whose android/ directory is a Gradle project of the jvm shape.
_ANDROID = sorted(n for n in NPM if n.startswith(("expo-", "react-native-", "@react-native-", "lottie-")))
# expo modules whose whole package (TS, Kotlin, Swift) is in the js shape too
_JS_EXPO = ("expo-modules-core", "expo-camera", "expo-av", "expo-notifications", "expo-image", "expo-updates")


def _npm(name: str, dest: str, take: tuple[str, ...] = (), bundled: str | None = None) -> Source:
    version, sha = NPM[name]
    return Source("npm", name, version, sha, dest, take, bundled)


def shape_sources(shape: str) -> list[Source]:
    """The pinned sources of one shape, in assembly order."""
    if shape == "js":
        names = [n for n in NPM if n not in _JVM_ONLY and not n.startswith(("expo-", "react-native", "@react-native",
                                                                            "lottie-"))]
        return ([_npm(n, f"packages/{n}", bundled="bundled" if n == "npm" else None) for n in sorted(names)]
                + [_npm(n, f"packages/{n}") for n in _JS_EXPO])
    if shape == "jvm":
        return ([_npm("react-native", "react-native/ReactAndroid", take=("ReactAndroid",)),
                 _npm("@react-native/gradle-plugin", "gradle-plugin")]
                + [_npm(n, f"modules/{n.replace('@', '').replace('/', '-')}", take=("android",)) for n in _ANDROID])
    if shape == "mixed":
        return ([Source("pypi", n, v, sha, f"python/{n}") for n, (v, sha) in sorted(PYPI.items())]
                + [Source("deb", n, v, sha, dest, (inside,)) for n, (v, sha, inside, dest) in sorted(DEB.items())])
    raise RealTreeError(f"unknown shape {shape!r} (one of {', '.join(SHAPES)})")


def glue(shape: str, sources: list[Source]) -> dict[str, str]:
    """The workspace files this script writes (path -> text): what makes the
    packages one monorepo."""
    if shape == "js":
        root = {"name": "symidx-bench-js", "private": True,
                "workspaces": ["packages/*", "packages/@*/*", "bundled/*", "bundled/@*/*"]}
        return {"package.json": json.dumps(root, indent=2) + "\n"}
    if shape == "jvm":
        lines = ['rootProject.name = "symidx-bench-jvm"', "", 'include(":ReactAndroid")',
                 'project(":ReactAndroid").projectDir = file("react-native/ReactAndroid")']
        for s in sources:
            if s.dest.startswith("modules/"):
                name = s.dest.split("/", 1)[1]
                lines += [f'include(":{name}")', f'project(":{name}").projectDir = file("{s.dest}")']
        lines += ["", 'includeBuild("gradle-plugin")']
        return {"settings.gradle.kts": "\n".join(lines) + "\n",
                "build.gradle.kts": "// the included projects configure themselves\n"}
    return {}


# --------------------------------------------------------------------------
# Downloads: pinned, verified, cached
# --------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _download_cmd(source: Source, where: Path) -> list[str]:
    if source.registry == "npm":
        return ["npm", "pack", "--silent", "--pack-destination", str(where), f"{source.name}@{source.version}"]
    if source.registry == "pypi":
        # --no-binary for this package only: its build backend may come as a wheel.
        return [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", source.name,
                "-d", str(where), f"{source.name}=={source.version}"]
    if source.registry == "deb":
        return ["apt-get", "download", "-q", f"{source.name}={source.version}"]
    raise RealTreeError(f"{source.name}: unknown registry {source.registry!r}")


Downloader = Callable[[Source, Path], None]


def registry_download(source: Source, where: Path) -> None:
    """Ask the package's own registry client for exactly this version, into ``where``."""
    proc = subprocess.run(_download_cmd(source, where), cwd=where, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RealTreeError(f"{source.registry} {source.name} {source.version}: download failed:\n"
                            f"{proc.stderr[-2000:]}")


def fetch(source: Source, cache: Path, download: Downloader = registry_download) -> Path:
    """The verified archive of ``source`` in ``cache``, downloaded once."""
    final = cache / source.registry / source.filename
    if final.is_file():
        if sha256_file(final) == source.sha256:
            return final
        final.unlink()  # damaged or replaced since: fetch it again
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=final.parent, prefix=".download-") as tmp:
        download(source, Path(tmp))
        got = [p for p in Path(tmp).iterdir() if p.is_file()]
        if len(got) != 1:
            raise RealTreeError(f"{source.name}: expected one downloaded file, got {sorted(p.name for p in got)}")
        actual = sha256_file(got[0])
        if actual != source.sha256:
            raise RealTreeError(f"{source.registry} {source.name} {source.version}: sha256 {actual}, pinned "
                                f"{source.sha256}; the download was discarded")
        os.replace(got[0], final)
    return final


# --------------------------------------------------------------------------
# Unpacking
# --------------------------------------------------------------------------


def _open_archive(path: Path) -> tarfile.TarFile:
    if path.suffix == ".deb":
        data = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(path)], capture_output=True, check=True).stdout
        return tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    return tarfile.open(path, mode="r:*")


def _members(tar: tarfile.TarFile, strip_top: bool) -> Iterator[tuple[PurePosixPath, tarfile.TarInfo]]:
    """Regular files with their path, below the archive's single top directory
    if ``strip_top`` and it has one (npm's package/, an sdist's name-version/)."""
    files = [(PurePosixPath(m.name.removeprefix("./")), m) for m in tar.getmembers() if m.isreg()]
    tops = {p.parts[0] for p, _ in files if len(p.parts) > 1}
    strip = strip_top and len(tops) == 1 and all(len(p.parts) > 1 for p, _ in files)
    for path, member in files:
        rel = PurePosixPath(*path.parts[1:]) if strip else path
        if rel.parts and ".." not in rel.parts and not rel.is_absolute():
            yield rel, member


def _target(rel: PurePosixPath, source: Source) -> PurePosixPath | None:
    """Where an archive file goes in the tree, or None when it is not taken."""
    if source.bundled and rel.parts[0] == "node_modules":
        # node_modules/<name>/... or node_modules/@scope/<name>/...; deeper nesting stays inside
        depth = 3 if len(rel.parts) > 2 and rel.parts[1].startswith("@") else 2
        if len(rel.parts) <= depth:
            return None
        return PurePosixPath(source.bundled, *rel.parts[1:])
    if not source.take:
        return PurePosixPath(source.dest, rel)
    for taken in source.take:
        prefix = PurePosixPath(taken)
        if rel == prefix or prefix in rel.parents:
            inner = rel.relative_to(prefix) if len(source.take) == 1 else rel
            return PurePosixPath(source.dest, inner) if str(inner) != "." else PurePosixPath(source.dest, rel.name)
    return None


def unpack(archive: Path, source: Source, tree: Path) -> int:
    """Copy the taken files of ``archive`` into ``tree``; returns how many."""
    count = 0
    with _open_archive(archive) as tar:
        for rel, member in _members(tar, strip_top=source.registry != "deb"):
            target = _target(rel, source)
            if target is None:
                continue
            out = tree / target
            out.parent.mkdir(parents=True, exist_ok=True)
            reader = tar.extractfile(member)
            if reader is None:
                continue
            with reader, open(out, "wb") as f:
                shutil.copyfileobj(reader, f)
            os.utime(out, (member.mtime, member.mtime))
            count += 1
    if count == 0:
        raise RealTreeError(f"{source.name}: nothing taken from {archive.name} (take={source.take})")
    return count


def make_git(tree: Path) -> None:
    """Make ``tree`` a git work tree with one commit of everything it holds."""
    env = {**os.environ, "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z"}
    ident = ["-c", "user.name=symidx bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], [*ident, "commit", "-q", "--no-verify", "-m", "real bench tree"]):
        subprocess.run(["git", *args], cwd=tree, check=True, env=env, capture_output=True)


def assemble(shape: str, out: Path, cache: Path, git: bool = False,
             download: Downloader = registry_download, sources: list[Source] | None = None,
             log: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Write the ``shape`` tree into ``out`` (which must not exist or be empty)."""
    if out.exists() and any(out.iterdir()):
        raise RealTreeError(f"{out}: exists and is not empty")
    sources = sources if sources is not None else shape_sources(shape)
    out.mkdir(parents=True, exist_ok=True)
    files = 0
    for source in sources:
        archive = fetch(source, cache, download)
        n = unpack(archive, source, out)
        log(f"{source.registry} {source.name} {source.version}: {n} files -> {source.dest}")
        files += n
    for rel, text in glue(shape, sources).items():
        (out / rel).write_text(text, "utf-8")
        files += 1
    if git:
        make_git(out)
    return {"sources": len(sources), "files": files}


def default_cache() -> Path:
    return Path(os.environ.get("SYMIDX_BENCH_CACHE") or Path.home() / ".cache" / "symidx-bench")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Assemble a real monorepo for the bench from pinned registry packages.")
    ap.add_argument("--shape", choices=[*SHAPES, "all"], required=True)
    ap.add_argument("--out", type=Path, required=True, help="the tree (with --shape all: its parent, one per shape)")
    ap.add_argument("--cache", type=Path, default=None, help="download cache (default $SYMIDX_BENCH_CACHE or "
                                                              "~/.cache/symidx-bench)")
    ap.add_argument("--git", action="store_true", help="make the tree a git work tree (init, add, one commit)")
    args = ap.parse_args(argv)
    cache = args.cache or default_cache()
    shapes = SHAPES if args.shape == "all" else (args.shape,)
    try:
        for shape in shapes:
            out = args.out / shape if args.shape == "all" else args.out
            stats = assemble(shape, out, cache, git=args.git,
                             log=lambda msg: print(f"[real] {msg}", file=sys.stderr, flush=True))
            print(json.dumps({"shape": shape, "tree": str(out), **stats}))
    except RealTreeError as exc:
        print(f"real.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
