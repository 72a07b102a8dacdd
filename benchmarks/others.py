"""MkDocs and Hugo building the same notes as clientkb, for the side-by-side table of
docs/performance.md. Used by run.py (`--compare`), which times them in the same run as clientkb.

- MkDocs with the Material theme (its search plugin on, `use_directory_urls: false`): navigation
  built from the folders, every page with the whole navigation.
- Hugo with a small hand-written theme (Hugo ships none): a base layout with the site's sections
  (one per client) as navigation, a sidebar listing the pages of the current section, single pages
  and list pages (the home page and one per client). No search: Hugo has none built in.

Both read the corpus's `clients/` folder (the notes' Markdown and the YAML beside them) and write to
tmpfs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

MKDOCS_YML = """\
site_name: Benchmark
docs_dir: {docs}
site_dir: {site}
use_directory_urls: false
theme:
  name: material
plugins:
  - search
"""

HUGO_TOML = """\
baseURL = "http://localhost/"
title = "Benchmark"
contentDir = "{content}"
publishDir = "{site}"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title>
<link rel="stylesheet" href="/style.css"></head>
<body>
<nav class="site"><a href="/">{{ .Site.Title }}</a><ul>
{{- range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end -}}
</ul></nav>
<aside><ul>
{{- with .CurrentSection }}{{ range .Pages -}}
<li><a href="{{ .RelPermalink }}">{{ .Date.Format "2006-01-02" }} {{ .Title }}</a></li>
{{- end }}{{ end -}}
</ul></aside>
<main>{{ block "main" . }}{{ end }}</main>
</body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }} · {{ .Params.type }} · {{ delimit (.Params.attendees | default slice) ", " }}</p>
{{ .Content }}</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages.ByDate.Reverse -}}
<li><a href="{{ .RelPermalink }}">{{ .Date.Format "2006-01-02" }} {{ .Title }}</a></li>
{{- end }}</ul>
{{ end }}
""",
}


def mkdocs_command(corpus: Path, work: Path) -> list[str] | None:
    """The MkDocs Material build of the corpus's notes, or None when MkDocs or the theme is missing."""
    try:
        import material  # noqa: F401 - is the theme installed?
        import mkdocs  # noqa: F401
    except ImportError:
        return None
    config = work / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(docs=corpus / "clients", site=work / "mkdocs-site"))
    return [sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config)]


def hugo_command(corpus: Path, work: Path) -> list[str] | None:
    """The Hugo build of the corpus's notes with the theme above, or None when Hugo is missing."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    site = work / "hugo"
    for rel, text in HUGO_LAYOUTS.items():
        (site / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / rel).write_text(text)
    (site / "static").mkdir(parents=True, exist_ok=True)
    (site / "static" / "style.css").write_text("nav.site ul, aside ul { list-style: none }\n")
    (site / "hugo.toml").write_text(HUGO_TOML.format(content=corpus / "clients", site=work / "hugo-site"))
    return [hugo, "--quiet", "--source", str(site)]


def versions() -> dict[str, str]:
    from importlib import metadata

    found = {}
    for name in ("mkdocs", "mkdocs-material"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    hugo = shutil.which("hugo")
    found["hugo"] = (
        subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1] if hugo else "not installed"
    )
    return found
