"""The ``corpuskit`` command line (typer). Plugins add commands through a hook."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from corpuskit.__about__ import __version__
from corpuskit.atomic import OutputError
from corpuskit.config import load_config, run_options
from corpuskit.inputs import InputError, check_inputs, parse_shard
from corpuskit.manager import PluginError, Plugins, load_plugins
from corpuskit.pipeline import ConfigError
from corpuskit.run import AccountingError, OutputPaths, default_output, run_clean

MAX_WARNINGS = 20


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"corpuskit {__version__}")
        raise typer.Exit()


def build_app(plugins: Plugins) -> typer.Typer:
    """The CLI for a loaded set of plugins: built-in commands plus the plugins' own."""
    app = typer.Typer(
        name="corpuskit",
        help="Turn scraped documents into a clean, deduplicated JSONL corpus.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root(
        version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                              help="Print the version and exit.")] = False,
        no_plugin: Annotated[list[str] | None, typer.Option(
            "--no-plugin", metavar="NAME",
            help="Do not load this plugin (entry-point name); repeatable.")] = None,
        strict_plugins: Annotated[bool, typer.Option(
            "--strict-plugins", help="Fail when a plugin cannot be imported.")] = False,
    ) -> None:
        """corpuskit: load, clean, deduplicate and normalize documents into JSONL."""

    @app.command()
    def clean(
        inputs: Annotated[list[str], typer.Argument(
            help="Files, directories (read recursively), globs, or - for JSONL on stdin.")],
        output: Annotated[str | None, typer.Option(
            "-o", "--output", help="Clean corpus path (.jsonl, .jsonl.gz, .jsonl.zst) or - for stdout. "
            "Default: NAME.clean.jsonl in the current directory.")] = None,
        config: Annotated[Path | None, typer.Option("--config", "-c", help="TOML config file.")] = None,
        stage: Annotated[list[str] | None, typer.Option(
            "--stage", help="Run only these stages, in this order; repeatable.")] = None,
        skip: Annotated[list[str] | None, typer.Option("--skip", help="Skip this stage; repeatable.")] = None,
        set_: Annotated[list[str] | None, typer.Option(
            "--set", help="Stage option STAGE.OPTION=VALUE, e.g. dedup.threshold=0.85; repeatable.")] = None,
        boilerplate: Annotated[str | None, typer.Option(
            "--boilerplate", help="Boilerplate removal: conservative, balanced or aggressive.")] = None,
        index: Annotated[str | None, typer.Option(
            "--index", help="Persistent near-duplicate index: drop documents seen in earlier runs.")] = None,
        text_field: Annotated[list[str] | None, typer.Option(
            "--text-field", help="JSON field holding the text (default: text, content, body, …).")] = None,
        id_field: Annotated[list[str] | None, typer.Option(
            "--id-field", help="JSON field holding the id (default: id, doc_id, …).")] = None,
        reader: Annotated[str | None, typer.Option(
            "--reader", help="Read every input with this reader instead of choosing by suffix.")] = None,
        workers: Annotated[int, typer.Option(
            "--workers", "-w", min=0, help="Processes for per-document stages (default: all cores). "
            "Output is identical whatever the number.")] = 0,
        engine: Annotated[str, typer.Option(
            "--engine", help="local (process pool) or ray (a local Ray, or the cluster at --address; "
            "needs pip install 'corpuskit[ray]').")] = "local",
        address: Annotated[str | None, typer.Option(
            "--address", help="Ray cluster address for --engine ray, e.g. ray://head:10001 or auto.")] = None,
        shard: Annotated[str | None, typer.Option(
            "--shard", help="Process only shard I of N (I/N, from 0): input file k goes to shard k % N, "
            "so N machines can split one corpus; merge their dedup indexes afterwards.")] = None,
        quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors.")] = False,
    ) -> None:
        """Clean INPUTS into a JSONL corpus, with rejects, duplicates and a run report beside it."""
        settings = list(set_ or [])
        if boilerplate:
            settings.append(f"boilerplate.mode={json.dumps(boilerplate)}")
        if index:
            settings.append(f"dedup.index={json.dumps(index)}")
        try:
            check_inputs(inputs)
            cfg = load_config(config) if config else None
            options = run_options(cfg, stages=stage, skip=skip, settings=settings, text_fields=text_field,
                                  id_fields=id_field, reader=reader)
        except (InputError, ConfigError) as exc:
            _err(f"error: {exc}")
            raise typer.Exit(2) from None
        options.workers = workers or os.cpu_count() or 1
        try:
            options.shard = parse_shard(shard) if shard else None
        except InputError as exc:
            _err(f"error: {exc}")
            raise typer.Exit(2) from None
        out = output or default_output(inputs)
        paths = OutputPaths.beside(out)
        warnings: list[str] = []

        def warn(message: str) -> None:
            warnings.append(message)
            if not quiet and len(warnings) <= MAX_WARNINGS:
                _err(f"warning: {message}")

        from corpuskit.progress import progress_display

        if engine not in ("local", "ray"):
            _err(f"error: unknown engine {engine!r} (known: local, ray)")
            raise typer.Exit(2)
        try:
            with progress_display(False if quiet else None) as progress:
                if engine == "ray":
                    from corpuskit.ray_engine import run_clean_ray

                    report = run_clean_ray(inputs, paths, plugins, options, address=address,
                                           progress=progress, warn=warn)
                else:
                    report = run_clean(inputs, paths, plugins, options, progress=progress, warn=warn)
        except (InputError, ConfigError) as exc:
            _err(f"error: {exc}")
            raise typer.Exit(2) from None
        except (OutputError, AccountingError) as exc:
            _err(f"error: {exc}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            _err("interrupted: nothing was written under the output names")
            raise typer.Exit(130) from None
        if len(warnings) > MAX_WARNINGS and not quiet:
            _err(f"warning: … and {len(warnings) - MAX_WARNINGS} more unreadable inputs "
                 f"(see {paths.rejects})")
        if not quiet:
            _err(report.summary())
            if out != "-":
                _err(f"wrote {out} (rejects: {paths.rejects}, duplicates: {paths.duplicates}, "
                     f"report: {paths.report})")
        read_ok = report.stages[0].docs_out
        if report.documents_in == 0 or read_ok == 0:
            _err("error: no readable input" + (f": all {report.documents_in} documents were rejected "
                                               f"(see {paths.rejects})" if report.documents_in else ""))
            raise typer.Exit(1)

    @app.command()
    def stages() -> None:
        """List the stages the loaded plugins offer, in default order, and where each comes from."""
        from corpuskit.pipeline import select_stage_names

        default = set(select_stage_names(plugins.registry))
        for cls in plugins.registry.stage_classes_in_default_order():
            entry = plugins.registry.stages[cls.name]
            mark = "default" if cls.name in default else "optional"
            doc = (cls.description or (cls.__doc__ or "").strip().splitlines()[0:1] or [""])
            text = doc if isinstance(doc, str) else (doc[0] if doc else "")
            typer.echo(f"{cls.order:>4}  {cls.name:<14} {mark:<8} plugin={entry.plugin:<12} {text}")

    @app.command("plugins")
    def plugins_cmd(
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List loaded plugins: name, version, hooks, where they were loaded from, and load errors."""
        rows: list[dict[str, Any]] = []
        for info in sorted(plugins.infos.values(), key=lambda i: i.name):
            rows.append({"name": info.name, "distribution": info.distribution, "version": info.version,
                         "builtin": info.builtin, "hooks": info.hooks, "location": info.location,
                         "error": info.error})
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
            return
        for row in rows:
            origin = "built-in" if row["builtin"] else (row["distribution"] or "registered")
            typer.echo(f"{row['name']:<14} {row['version'] or '-':<8} {origin:<12} {row['location'] or ''}")
            if row["error"]:
                typer.echo(f"    FAILED TO LOAD: {row['error']}")
            elif row["hooks"]:
                typer.echo(f"    hooks: {', '.join(row['hooks'])}")

    plugins.manager.hook.corpuskit_register_commands(app=app, registry=plugins.registry)
    return app


def _prescan(argv: list[str]) -> tuple[list[str], bool]:
    blocked = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--no-plugin"]
    blocked += [a.split("=", 1)[1] for a in argv if a.startswith("--no-plugin=")]
    return blocked, "--strict-plugins" in argv


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``corpuskit`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    blocked, strict = _prescan(args)
    try:
        plugins = load_plugins(blocked=blocked, strict=strict)
    except PluginError as exc:
        _err(f"error: {exc}")
        raise SystemExit(2) from None
    for info in plugins.failures:
        _err(f"warning: plugin {info.name!r} failed to load and was skipped: {info.error}")
    app = build_app(plugins)
    app(args=args, prog_name="corpuskit")


if __name__ == "__main__":
    main()
