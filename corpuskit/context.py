"""What a stage can see of the run it belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpuskit.events import CollectingSink, EventSink
from corpuskit.registry import Registry


@dataclass
class RunContext:
    """The run's registry, its reject/duplicate sink and its configuration."""

    registry: Registry = field(default_factory=Registry)
    events: EventSink = field(default_factory=CollectingSink)
    config: dict[str, Any] = field(default_factory=dict)
