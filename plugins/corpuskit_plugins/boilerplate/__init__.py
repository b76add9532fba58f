"""Built-in corpuskit plugin: boilerplate removal.

Registers, through the same hooks a third-party plugin uses:

* the ``boilerplate`` stage (:class:`BoilerplateStage`, order 20),
* the built-in line rules (:mod:`.rules`), which the stage takes back from the run's
  registry together with every third-party rule,
* the ``corpuskit explain FILE`` command (:mod:`.explain`).

Modules: ``features`` (per-line features, ``RichLine``), ``rules`` (line rules),
``blocks`` (block rules: promo blocks, menu runs, main content of page dumps),
``furniture`` (lines repeated across a source), ``engine`` (``Cleaner``,
``Decision``), ``stage`` and ``explain``.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import corpuskit

from .engine import Cleaner, Decision, builtin_rules
from .explain import explain_text, register_explain, registered_rules
from .features import RichLine
from .rules import BUILTIN_RULES
from .stage import BoilerplateStage

if TYPE_CHECKING:
    import typer

    from corpuskit.registry import RegisterRule, RegisterStage, Registry


@corpuskit.hookimpl
def corpuskit_register_stages(register: RegisterStage) -> None:
    """Register the ``boilerplate`` stage."""
    register(BoilerplateStage)


@corpuskit.hookimpl
def corpuskit_register_boilerplate_rules(register: RegisterRule) -> None:
    """Register the built-in line rules, exactly as a third-party plugin would."""
    for name, (rule, _level) in BUILTIN_RULES.items():
        register(name, rule)


@corpuskit.hookimpl
def corpuskit_register_commands(app: typer.Typer, registry: Registry) -> None:
    """Add ``corpuskit explain FILE``, applying the rules in ``registry``."""
    register_explain(app, partial(registered_rules, registry))


__all__ = [
    "BoilerplateStage",
    "Cleaner",
    "Decision",
    "RichLine",
    "builtin_rules",
    "explain_text",
]
