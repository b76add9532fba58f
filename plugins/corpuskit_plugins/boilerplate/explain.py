"""``corpuskit explain FILE``: show every line with keep/drop and the rule that decided."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .engine import Cleaner, Decision, builtin_rules
from .rules import Rule

if TYPE_CHECKING:
    from corpuskit.registry import Registry


def explain_text(
    text: str,
    rules: Iterable[tuple[str, Rule]] | None = None,
    mode: str = "balanced",
    format: str = "text",
) -> list[Decision]:
    """The decision on every non-empty line of ``text`` (no corpus-level furniture counts).

    ``rules`` are ``(name, rule)`` pairs (default: the built-in rules); ``format`` is
    ``"text"`` or ``"html"`` (text already extracted from HTML).
    """
    return Cleaner(rules, mode).decide(text, None, format)


def read_for_explain(path: Path) -> tuple[str, str]:
    """``(text, format)`` of a file: HTML (``.html``, ``.htm``, ``.html.gz``) goes through trafilatura."""
    name = path.name.lower()
    if name.endswith((".html", ".htm", ".html.gz", ".htm.gz")):
        from corpuskit_plugins.html import extract_html

        raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
        text, _meta = extract_html(raw.decode("utf-8", errors="replace"))
        return text, "html"
    raw = path.read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace"), "text"


def format_decisions(decisions: Iterable[Decision], width: int = 100) -> list[str]:
    """One printable row per decision: ``KEEP``/``DROP``, the rule and reason, the line."""
    rows = []
    for d in decisions:
        shown = d.text if len(d.text) <= width else d.text[: width - 1] + "…"
        if d.keep:
            rows.append(f"{d.index + 1:>4} KEEP  {shown}")
        else:
            rows.append(f"{d.index + 1:>4} DROP  [{d.rule}: {d.reason}]  {shown}")
    return rows


def registered_rules(registry: Registry | None = None) -> list[tuple[str, Rule]]:
    """The rules in ``registry`` (built-in and third-party, in registry order); without one,
    those every installed plugin registers; the built-in rules when none are registered."""
    if registry is None:
        from corpuskit.manager import load_plugins

        registry = load_plugins().registry
    rules = registry.rules
    if not rules:
        return builtin_rules()
    return [(name, entry.value) for name, entry in rules.items()]


RulesFactory = Callable[[], list[tuple[str, Rule]]]


def register_explain(app: typer.Typer, rules_factory: RulesFactory = registered_rules) -> None:
    """Add the ``explain`` command to ``app``; ``rules_factory`` gives the rules it applies."""

    @app.command("explain")
    def explain(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                             help="a .txt or .html/.htm/.html.gz file")],
        mode: Annotated[str, typer.Option("--mode", help="conservative, balanced or aggressive")] = (
            "balanced"
        ),
        drops_only: Annotated[bool, typer.Option("--drops", help="print only the dropped lines")] = False,
    ) -> None:
        """Print every non-empty line of FILE with KEEP/DROP and the boilerplate rule that decided."""
        text, fmt = read_for_explain(file)
        try:
            decisions = explain_text(text, rules_factory(), mode, fmt)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--mode") from None
        shown = [d for d in decisions if not (drops_only and d.keep)]
        for row in format_decisions(shown):
            typer.echo(row)
        dropped = sum(1 for d in decisions if not d.keep)
        kept = len(decisions) - dropped
        typer.echo(f"{len(decisions)} lines, {dropped} dropped, {kept} kept (mode {mode})")
