"""Plugin discovery through real entry points, blocking, failures and validation."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pluggy
import pytest

import corpuskit
from conftest import SEEDS, read_jsonl, run_cli
from corpuskit.manager import PluginError, load_plugins
from corpuskit.registry import RegistryError

SHOUT_PLUGIN = '''
import corpuskit


class Shout(corpuskit.Stage):
    """Upper-cases every document."""

    name = "shout"
    order = 95

    def process_document(self, doc):
        doc.text = doc.text.upper()
        return doc


@corpuskit.hookimpl
def corpuskit_register_stages(register):
    register(Shout)
'''


def make_distribution(site: Path, dist: str, module: str, source: str, entry_name: str | None = None) -> Path:
    """A real installed distribution: a module plus a dist-info with a ``corpuskit`` entry point."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source))
    info = site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[corpuskit]\n{entry_name or module} = {module}\n")
    return site


@pytest.fixture
def site(tmp_path):
    return make_distribution(tmp_path / "site", "corpuskit-shout", "ck_shout", SHOUT_PLUGIN, "shout")


def test_third_party_stage_shows_in_stages_and_runs_from_cli(tmp_path, site):
    env = {"PYTHONPATH": str(site)}
    res = run_cli("stages", env=env)
    assert res.returncode == 0, res.stderr.decode()
    line = next(x for x in res.stdout.decode().splitlines() if " shout " in x)
    assert "plugin=shout" in line
    res = run_cli("clean", str(SEEDS), "-o", str(tmp_path / "o.jsonl"), "--stage", "shout", env=env)
    assert res.returncode == 0, res.stderr.decode()
    records = read_jsonl(tmp_path / "o.jsonl")
    assert len(records) == 5 and all(r["text"] == r["text"].upper() for r in records)
    plugins = json.loads(run_cli("plugins", "--json", env=env).stdout)
    shout = next(p for p in plugins if p["name"] == "shout")
    assert shout["distribution"] == "corpuskit-shout" and shout["version"] == "1.2.3"
    assert shout["hooks"] == ["corpuskit_register_stages"] and not shout["builtin"]
    assert shout["location"].endswith("ck_shout.py")


def test_builtins_come_from_the_corpuskit_distribution():
    plugins = load_plugins()
    for name in ("readers", "writers", "metadata", "boilerplate", "dedup"):
        assert plugins.infos[name].builtin, name
        assert plugins.infos[name].error is None, plugins.infos[name].error


def test_importing_corpuskit_does_not_import_builtin_plugins():
    import subprocess
    import sys

    code = "import sys, corpuskit; print(any(m.startswith('corpuskit_plugins') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_autoload_can_be_disabled_and_plugins_named(monkeypatch):
    monkeypatch.setenv("CORPUSKIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert load_plugins().infos == {}
    monkeypatch.setenv("CORPUSKIT_PLUGINS", "readers")
    assert set(load_plugins().infos) == {"readers"}


def test_blocked_plugin_is_not_loaded(tmp_path, site):
    res = run_cli("--no-plugin", "shout", "stages", env={"PYTHONPATH": str(site)})
    assert res.returncode == 0 and " shout " not in res.stdout.decode()


def test_broken_plugin_is_reported_not_fatal_unless_strict(tmp_path):
    site = make_distribution(tmp_path / "site", "ck-broken", "ck_broken", "raise ImportError('no numpy here')")
    env = {"PYTHONPATH": str(site)}
    res = run_cli("plugins", env=env)
    assert res.returncode == 0
    assert "plugin 'ck_broken' failed to load and was skipped: ImportError: no numpy here" in res.stderr.decode()
    assert "FAILED TO LOAD" in res.stdout.decode()
    res = run_cli("clean", str(SEEDS), "-o", str(tmp_path / "o.jsonl"), env=env)
    assert res.returncode == 0
    res = run_cli("--strict-plugins", "stages", env=env)
    assert res.returncode == 2 and "ck_broken" in res.stderr.decode()


def test_misspelt_hook_is_an_error_naming_the_plugin():
    class Typo:
        @corpuskit.hookimpl
        def corpuskit_register_stagez(self, register):
            pass

    with pytest.raises(PluginError, match="Typo"):
        load_plugins(autoload=False, extra=[Typo()])


def test_stage_name_clash_names_both_plugins():
    class A(corpuskit.Stage):
        name = "same"

    class P1:
        @corpuskit.hookimpl
        def corpuskit_register_stages(self, register):
            register(A)

    class P2(P1):
        pass

    with pytest.raises(RegistryError, match="registered by both"):
        load_plugins(autoload=False, extra=[P1(), P2()])


def test_register_commands_receives_a_typer_app(tmp_path):
    from typer.testing import CliRunner

    from corpuskit.cli import build_app

    class Cmd:
        @corpuskit.hookimpl
        def corpuskit_register_commands(self, app):
            @app.command()
            def hello(name: str) -> None:
                print(f"hello {name}")

    app = build_app(load_plugins(autoload=False, extra=[Cmd()]))
    result = CliRunner().invoke(app, ["hello", "world"])
    assert result.exit_code == 0 and "hello world" in result.output


def test_lifecycle_hooks_see_config_and_report(tmp_path):
    seen = {}

    class Watch:
        @corpuskit.hookimpl
        def corpuskit_pipeline_start(self, config, stages):
            seen["stages"] = stages

        @corpuskit.hookimpl
        def corpuskit_pipeline_finish(self, report):
            seen["report"] = report

    from corpuskit.run import OutputPaths, RunOptions, run_clean

    plugins = load_plugins(extra=[Watch()])
    report = run_clean([str(SEEDS)], OutputPaths.beside(str(tmp_path / "o.jsonl")), plugins,
                       RunOptions(stages=[]))
    assert seen["stages"] == [] and seen["report"] is report and report.kept == 5


def test_hookspecs_are_documented():
    from corpuskit import hookspecs

    pm = pluggy.PluginManager("corpuskit")
    pm.add_hookspecs(hookspecs)
    for name in dir(pm.hook):
        if name.startswith("corpuskit_"):
            assert getattr(hookspecs, name).__doc__, name
