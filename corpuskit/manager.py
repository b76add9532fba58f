"""Plugin discovery: one pluggy manager per run, filled from the ``corpuskit`` entry points.

Built-in plugins are loaded exactly like third-party ones. Set
``CORPUSKIT_DISABLE_PLUGIN_AUTOLOAD=1`` to load none automatically; ``CORPUSKIT_PLUGINS=a,b``
then still loads the named entry points (built-ins included).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy

from corpuskit import hookspecs
from corpuskit.registry import Registry

ENTRY_POINT_GROUP = "corpuskit"
DISABLE_AUTOLOAD_ENV = "CORPUSKIT_DISABLE_PLUGIN_AUTOLOAD"
PLUGINS_ENV = "CORPUSKIT_PLUGINS"
BUILTIN_DISTRIBUTION = "corpuskit"


class PluginError(RuntimeError):
    """A plugin failed to load or is invalid; the message names the plugin."""


@dataclass(slots=True)
class PluginInfo:
    """What ``corpuskit plugins`` shows about one plugin."""

    name: str
    distribution: str | None = None
    version: str | None = None
    location: str | None = None
    hooks: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def builtin(self) -> bool:
        """True for plugins shipped in the corpuskit distribution itself."""
        return self.distribution == BUILTIN_DISTRIBUTION


@dataclass
class Plugins:
    """A loaded plugin manager, what the plugins registered, and what failed to load."""

    manager: pluggy.PluginManager
    registry: Registry
    infos: dict[str, PluginInfo]
    #: the arguments that rebuild the same set in another process (entry-point names, not objects)
    spec: dict[str, Any] = field(default_factory=dict)

    def reload(self) -> Plugins:
        """Load the same plugins again (in a worker process: managers do not pickle)."""
        return load_plugins(**self.spec)

    @property
    def failures(self) -> list[PluginInfo]:
        """Plugins whose import failed (they are not registered)."""
        return [i for i in self.infos.values() if i.error]


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def _selected(ep: EntryPoint, autoload: bool, named: set[str], blocked: set[str]) -> bool:
    if ep.name in blocked:
        return False
    return autoload or ep.name in named


def _location(plugin: Any) -> str | None:
    return getattr(plugin, "__file__", None) or getattr(type(plugin), "__module__", None)


def load_plugins(
    *,
    autoload: bool | None = None,
    only: Iterable[str] | None = None,
    blocked: Iterable[str] = (),
    extra: Iterable[Any] = (),
    strict: bool = False,
) -> Plugins:
    """Build a plugin manager, load entry points and fill a :class:`Registry`.

    ``autoload`` defaults to true unless ``CORPUSKIT_DISABLE_PLUGIN_AUTOLOAD`` is set;
    ``only`` (or ``CORPUSKIT_PLUGINS``) names entry points to load even when autoload
    is off; ``blocked`` names entry points never to load; ``extra`` are plugin objects
    (modules, instances) registered directly, e.g. by tests. A plugin that fails to
    import is recorded in :attr:`Plugins.failures` and skipped, or raises
    :class:`PluginError` when ``strict``.
    """
    extra = list(extra)
    if autoload is None:
        autoload = not _env_flag(DISABLE_AUTOLOAD_ENV)
    named = set(only or ())
    named |= {n.strip() for n in os.environ.get(PLUGINS_ENV, "").split(",") if n.strip()}
    if only is not None:
        autoload = False
    blocked_set = set(blocked)
    pm = pluggy.PluginManager("corpuskit")
    pm.add_hookspecs(hookspecs)
    infos: dict[str, PluginInfo] = {}
    for name in blocked_set:
        pm.set_blocked(name)
    eps = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    for ep in eps:
        if not _selected(ep, autoload, named, blocked_set) or ep.name in infos:
            continue
        dist = ep.dist
        info = PluginInfo(ep.name, dist.name if dist else None, dist.version if dist else None)
        infos[ep.name] = info
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # a broken plugin must not take the run down
            info.error = f"{type(exc).__name__}: {exc}"
            if strict:
                raise PluginError(f"plugin {ep.name!r} ({ep.value}) failed to load: {info.error}") from exc
            continue
        info.location = _location(plugin)
    for plugin in extra:
        if pm.is_registered(plugin):  # e.g. a test passing a module its entry point already loaded
            continue
        registered = pm.register(plugin)
        if registered is not None:
            infos[registered] = PluginInfo(registered, None, None, _location(plugin))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {exc.plugin!r} is invalid: {exc}") from exc
    for name, plugin in pm.list_name_plugin():
        if name in infos:
            infos[name].hooks = sorted(c.name for c in pm.get_hookcallers(plugin) or [])
    loaded = sorted(n for n, i in infos.items() if i.distribution is not None and not i.error)
    spec = {"autoload": False, "only": loaded, "blocked": sorted(blocked_set), "extra": list(extra)}
    return Plugins(pm, build_registry(pm), infos, spec)


def _call_each(caller: Any, argname: str, make_callback: Any) -> None:
    """Call every implementation of a registration hook with a callback that knows its plugin."""
    for impl in caller.get_hookimpls():
        kwargs = {argname: make_callback(impl.plugin_name)} if argname in impl.argnames else {}
        impl.function(**kwargs)


def build_registry(pm: pluggy.PluginManager) -> Registry:
    """Ask every plugin to register its stages, readers, writers and rules."""
    reg = Registry()
    hook = pm.hook

    def stage_cb(plugin: str) -> Any:
        return partial(_register_stage, reg, plugin)

    def reader_cb(plugin: str) -> Any:
        return lambda name, read, *, suffixes: reg.add_reader(name, read, plugin, suffixes)

    def writer_cb(plugin: str) -> Any:
        return lambda name, open_writer, *, suffixes: reg.add_writer(name, open_writer, plugin, suffixes)

    def rule_cb(plugin: str) -> Any:
        return lambda name, rule: reg.add_rule(name, rule, plugin)

    _call_each(hook.corpuskit_register_stages, "register", stage_cb)
    _call_each(hook.corpuskit_register_readers, "register", reader_cb)
    _call_each(hook.corpuskit_register_writers, "register", writer_cb)
    _call_each(hook.corpuskit_register_boilerplate_rules, "register", rule_cb)
    return reg


def _register_stage(reg: Registry, plugin: str, stage_class: Any) -> None:
    reg.add_stage(stage_class, plugin)
