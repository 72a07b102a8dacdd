from __future__ import annotations

import json

from generator.source.problems import error, format_github, format_json, format_text, sorted_problems, warning


def test_text_format_with_hint() -> None:
    problems = [error("a.yaml", 3, 5, "x-code", "bad thing", "do this"), warning("b.md", 0, 0, "w", "meh")]
    assert format_text(problems) == ("a.yaml:3:5: error: bad thing [x-code]\n    hint: do this\nb.md: warning: meh [w]")


def test_github_format_escapes_data_and_properties() -> None:
    line = format_github([error("dir,x/a:b.yaml", 2, 1, "c", "50% done\nnext", "hint")])
    assert line == "::error file=dir%2Cx/a%3Ab.yaml,line=2,col=1,title=clientkb [c]::50%25 done%0Anext%0Ahint"


def test_json_format_fields() -> None:
    data = json.loads(format_json([warning("a", 1, 2, "c", "m", "h")]))
    assert data == [
        {"file": "a", "line": 1, "column": 2, "severity": "warning", "code": "c", "message": "m", "hint": "h"}
    ]


def test_sorted_and_deduplicated() -> None:
    p1 = error("b", 1, 1, "c", "m")
    p2 = error("a", 9, 1, "c", "m")
    assert sorted_problems([p1, p2, p1]) == [p2, p1]
