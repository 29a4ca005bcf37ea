#!/usr/bin/env python3
"""Bring YASGUI's built files into the package: `src/ccgraph/web/static/yasgui/`.

    python3 scripts/vendor_yasgui.py            # the version named in that folder's VERSION
    python3 scripts/vendor_yasgui.py 4.6.2      # another version
    python3 scripts/vendor_yasgui.py latest     # the newest release

It installs the npm package `@zazuko/yasgui` (and what it depends on) with npm into a
temporary folder, copies its self-contained browser build (`build/yasgui.min.js`,
`build/yasgui.min.css`, unchanged) and writes beside them its licence (`LICENSE.txt`), the
licences of the npm packages installed with it (`THIRD-PARTY-LICENSES.txt`: the bundle
includes their code), `VERSION` and `README.md` (package, version, SHA-256 of the files,
this command). It refuses a build whose CSS loads anything (fonts, images, other sheets)
from the network; the editor (`ccgraph.web.editor`) switches off the two autocompleters
that would ask a remote service. Needs Node.js's npm and the npm registry; nothing else.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
TARGET = Path(__file__).resolve().parents[1] / "src" / "ccgraph" / "web" / "static" / "yasgui"
FILES = ("yasgui.min.js", "yasgui.min.css")  # from the package's build/
COMMAND = "python3 scripts/vendor_yasgui.py VERSION"
# The npm package ships no licence file; this is the LICENSE of its repository
# (github.com/rdfjs/Yasgui), which its package.json declares as "MIT".
MIT = """The MIT License (MIT)

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""
LICENCE_FILES = re.compile(r"(licen[cs]e|copying|notice)(\.(md|txt|markdown))?", re.I)
REMOTE_CSS = re.compile(r"url\(\s*['\"]?\s*(https?:)?//|@import", re.I)


def npm(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["npm", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def third_party(modules: Path) -> str:
    """The licence texts of every installed package but YASGUI itself."""
    parts = []
    for manifest in sorted(modules.glob("**/package.json")):
        folder = manifest.parent
        if folder.parent.name != "node_modules" and folder.parent.parent.name != "node_modules":
            continue  # a package.json inside a package, not a package
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        if "name" not in meta or meta["name"] == PACKAGE:
            continue
        texts = [p.read_text(encoding="utf-8", errors="replace").strip()
                 for p in sorted(folder.iterdir())
                 if p.is_file() and LICENCE_FILES.fullmatch(p.name)]
        licence = meta.get("license") or meta.get("licenses") or "not declared"
        parts.append(f"{meta['name']}@{meta.get('version', '?')} ({licence})\n\n"
                     + ("\n\n".join(texts) or "(the package ships no licence file)"))
    rule = "\n\n" + "-" * 78 + "\n\n"
    return ("Licences of the npm packages installed with " + PACKAGE + ", whose code its "
            "bundle yasgui.min.js includes." + rule + rule.join(parts) + "\n")


def main(argv: list[str]) -> int:
    wanted = argv[0] if argv else (TARGET / "VERSION").read_text(encoding="utf-8").strip()
    version = json.loads(npm("view", f"{PACKAGE}@{wanted}", "version", "--json"))
    if isinstance(version, list):
        version = version[-1]
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        npm("install", "--prefix", str(work), "--omit=dev", "--ignore-scripts", "--no-audit",
            "--no-fund", "--no-save", f"{PACKAGE}@{version}", cwd=work)
        package = work / "node_modules" / PACKAGE
        meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
        assert meta["version"] == version, meta["version"]
        css = (package / "build" / "yasgui.min.css").read_text(encoding="utf-8")
        if REMOTE_CSS.search(css):
            sys.exit("yasgui.min.css loads something from the network: not vendored")
        own = [p for p in package.iterdir() if p.is_file() and LICENCE_FILES.fullmatch(p.name)]
        if not own and meta.get("license") != "MIT":
            sys.exit(f"{PACKAGE} {version} ships no licence file and is not MIT: check it")
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.mkdir(parents=True)
        for name in FILES:
            shutil.copyfile(package / "build" / name, TARGET / name)
        licence = own[0].read_text(encoding="utf-8") if own else MIT
        (TARGET / "LICENSE.txt").write_text(licence, encoding="utf-8")
        (TARGET / "THIRD-PARTY-LICENSES.txt").write_text(third_party(work / "node_modules"),
                                                      encoding="utf-8")
    (TARGET / "VERSION").write_text(version + "\n", encoding="utf-8")
    sums = "\n".join(f"    {sha256(TARGET / name)}  {name}" for name in FILES)
    (TARGET / "README.md").write_text(f"""# YASGUI, vendored

The query editor of ccgraph's `/sparql` page (`ccgraph.web.editor`): the browser build of
the npm package `{PACKAGE}` version {version} (licence: {meta.get('license')}, in
`LICENSE.txt`; the licences of the code its bundle includes are in
`THIRD-PARTY-LICENSES.txt`),
copied unchanged from the package's `build/` folder:

{sums}

ccgraph serves these files from `/static/yasgui/`; nothing is fetched from a CDN. To update
them, from the repository's root (needs npm and the npm registry):

    {COMMAND.replace('VERSION', version)}

naming the version wanted (`latest` for the newest), then run `tests/web/test_editor.py`
and `tests/web/test_editor_browser.py`.
""", encoding="utf-8")
    print(f"{PACKAGE} {version} -> {TARGET}")
    for name in (*FILES, "LICENSE.txt", "THIRD-PARTY-LICENSES.txt"):
        print(f"  {name}: {(TARGET / name).stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
