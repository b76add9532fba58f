"""Name → implementation tables filled by the registration hooks.

The core builds one :class:`Registry` per plugin manager. A name registered twice is
an error that names both plugins, so two plugins never silently shadow each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from corpuskit.document import Document
from corpuskit.lines import Line

if TYPE_CHECKING:
    from corpuskit.readers import ReaderOptions, ReadFailure
    from corpuskit.stage import Stage

ReadFunction = Callable[[Path, "ReaderOptions"], Iterator["Document | ReadFailure"]]
RuleFunction = Callable[[Line], "str | None"]


class Writer(Protocol):
    """An open output: ``write`` one record dict at a time, then ``close``."""

    def write(self, record: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


OpenWriter = Callable[[BinaryIO], Writer]


class RegistryError(ValueError):
    """A plugin registered something invalid or a name another plugin already took."""


@dataclass(slots=True)
class Entry:
    """One registered implementation and the plugin it came from."""

    name: str
    value: Any
    plugin: str
    suffixes: tuple[str, ...] = ()


@dataclass
class Registry:
    """All stages, readers, writers and boilerplate rules the loaded plugins offer."""

    stages: dict[str, Entry] = field(default_factory=dict)
    readers: dict[str, Entry] = field(default_factory=dict)
    writers: dict[str, Entry] = field(default_factory=dict)
    rules: dict[str, Entry] = field(default_factory=dict)

    def _add(self, table: dict[str, Entry], kind: str, entry: Entry) -> None:
        if not entry.name or not isinstance(entry.name, str):
            raise RegistryError(f"plugin {entry.plugin!r} registered a {kind} without a name")
        old = table.get(entry.name)
        if old is not None:
            raise RegistryError(
                f"{kind} {entry.name!r} is registered by both {old.plugin!r} and {entry.plugin!r}"
            )
        table[entry.name] = entry

    def add_stage(self, stage_class: type[Stage], plugin: str) -> None:
        from corpuskit.stage import Stage

        if not (isinstance(stage_class, type) and issubclass(stage_class, Stage)):
            raise RegistryError(f"plugin {plugin!r} registered {stage_class!r}, not a Stage subclass")
        self._add(self.stages, "stage", Entry(stage_class.name, stage_class, plugin))

    def add_reader(self, name: str, read: ReadFunction, plugin: str, suffixes: Iterable[str]) -> None:
        sfx = tuple(s.lower() if s.startswith(".") else f".{s.lower()}" for s in suffixes)
        self._add(self.readers, "reader", Entry(name, read, plugin, sfx))

    def add_writer(self, name: str, open_writer: OpenWriter, plugin: str, suffixes: Iterable[str]) -> None:
        sfx = tuple(s.lower() for s in suffixes)
        self._add(self.writers, "writer", Entry(name, open_writer, plugin, sfx))

    def add_rule(self, name: str, rule: RuleFunction, plugin: str) -> None:
        if not callable(rule):
            raise RegistryError(f"plugin {plugin!r} registered rule {name!r} that is not callable")
        self._add(self.rules, "boilerplate rule", Entry(name, rule, plugin))

    def reader_for_suffix(self, suffix: str) -> Entry | None:
        """The reader that claims ``suffix`` (like ``".txt"``), if any."""
        for entry in self.readers.values():
            if suffix.lower() in entry.suffixes:
                return entry
        return None

    def stage_classes_in_default_order(self) -> list[type[Stage]]:
        """Stage classes sorted by ``order`` then name (never by plugin load order)."""
        classes = [e.value for e in self.stages.values()]
        return sorted(classes, key=lambda c: (c.order, c.name))


class RegisterStage(Protocol):
    def __call__(self, stage_class: type[Stage]) -> None: ...


class RegisterReader(Protocol):
    def __call__(self, name: str, read: ReadFunction, *, suffixes: Iterable[str]) -> None: ...


class RegisterWriter(Protocol):
    def __call__(self, name: str, open_writer: OpenWriter, *, suffixes: Iterable[str]) -> None: ...


class RegisterRule(Protocol):
    def __call__(self, name: str, rule: RuleFunction) -> None: ...
