"""The guide's examples work as written, and every hook is documented in it."""

from __future__ import annotations

import json
import re
import sys

import pytest
from test_plugins import make_distribution

from conftest import REPO, read_jsonl, run_cli


def code_block_after(path, marker: str) -> str:
    text = path.read_text(encoding="utf-8")
    match = re.search(r"```python\n(" + re.escape(marker) + r".*?)```", text, re.S)
    assert match, f"no python block starting with {marker!r} in {path.name}"
    return match.group(1)


@pytest.mark.parametrize("doc", ["README.md", "docs/plugins.md"])
def test_min_words_plugin_from_the_guide_works(tmp_path, doc):
    source = code_block_after(REPO / doc, "# min_words.py")
    assert len([line for line in source.splitlines() if line.strip()]) <= 20
    site = make_distribution(tmp_path / "site", "guide-min-words", "min_words", source, "min-words")
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("\n".join(json.dumps({"id": str(i), "text": t}) for i, t in
                                enumerate(["too short", "word " * 80])) + "\n")
    env = {"PYTHONPATH": str(site)}
    assert "min-words" in run_cli("stages", env=env).stdout.decode()
    res = run_cli("clean", str(corpus), "-o", str(tmp_path / "o.jsonl"), "--set", "min-words.n=10", env=env)
    assert res.returncode == 0, res.stderr.decode()
    assert [r["id"] for r in read_jsonl(tmp_path / "o.jsonl")] == ["1"]
    [rej] = read_jsonl(tmp_path / "o.rejects.jsonl")
    assert rej["stage"] == "min-words" and rej["reason"] == "fewer than 10 words"


def test_guide_testing_example_passes(tmp_path, monkeypatch):
    plugin = code_block_after(REPO / "docs/plugins.md", "# min_words.py")
    (tmp_path / "min_words.py").write_text(plugin)
    test = code_block_after(REPO / "docs/plugins.md", "import min_words")
    monkeypatch.syspath_prepend(str(tmp_path))
    namespace: dict = {}
    exec(compile(test, "guide-test", "exec"), namespace)
    namespace["test_short_documents_are_dropped"]()
    sys.modules.pop("min_words", None)


def test_every_hook_is_in_the_guide():
    import corpuskit.hookspecs as specs

    guide = (REPO / "docs/plugins.md").read_text()
    for name in dir(specs):
        if name.startswith("corpuskit_"):
            assert name in guide, name
