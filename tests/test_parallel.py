"""Worker segments: Stage.prepare runs in the workers for the stage that asked for it, the
result travels with the document and never reaches the output, and -w 1 / -w 2 agree."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import corpuskit
from conftest import read_jsonl
from corpuskit.document import Document, Source
from corpuskit.manager import load_plugins
from corpuskit.parallel import BatchedSegment, ParallelSegment, _pack, _unpack, plan
from corpuskit.run import OutputPaths, RunOptions, run_clean
from corpuskit.stage import prepares


class Upper(corpuskit.Stage):
    """Per document: upper-case the text."""

    name = "upper"
    order = 10

    def process_document(self, doc: Document) -> Document:
        doc.text = doc.text.upper()
        return doc


class FirstOfLength(corpuskit.Stage):
    """Across documents: keep the first document of each text length; the length and the
    process that measured it come from :meth:`prepare`."""

    name = "first-of-length"
    order = 20
    per_document = False

    def __init__(self) -> None:
        super().__init__()
        self.prepared_in: set[int] = set()

    def prepare(self, doc: Document) -> tuple[int, int]:
        return len(doc.text), os.getpid()

    def process(self, docs: Any) -> Any:
        seen: dict[int, str] = {}
        for doc in docs:
            length, pid = self.take_prepared(doc)
            assert doc.prepared is None
            assert length == len(doc.text)  # prepared after Upper ran
            self.prepared_in.add(pid)
            if length in seen:
                self.duplicate(doc, of=seen[length], similarity=1.0)
                continue
            seen[length] = doc.id
            yield doc


class Passthrough(corpuskit.Stage):
    """Across documents, without prepare (third-party stages written before the hook)."""

    name = "passthrough"
    order = 30
    per_document = False

    def process(self, docs: Any) -> Any:
        yield from docs


class Plugin:
    @corpuskit.hookimpl
    def corpuskit_register_stages(self, register: Any) -> None:
        register(Upper)
        register(FirstOfLength)
        register(Passthrough)


def _plugins() -> Any:
    return load_plugins(only=["readers", "writers"], extra=[Plugin()])


def test_prepare_is_detected_only_where_it_is_overridden() -> None:
    assert prepares(FirstOfLength())
    assert not prepares(Passthrough()) and not prepares(Upper())


def test_plan_runs_prepare_in_the_segment_before_or_in_one_of_its_own() -> None:
    plugins = _plugins()
    up, first, through = Upper(), FirstOfLength(), Passthrough()
    out = plan([up, first, through], plugins, {}, 2)
    assert [type(s) for s in out] == [ParallelSegment, FirstOfLength, Passthrough]
    assert out[0].stages == [up] and out[0].prepare_for is first  # type: ignore[attr-defined]
    out = plan([through, first], plugins, {}, 2)
    assert [type(s) for s in out] == [Passthrough, ParallelSegment, FirstOfLength]
    assert out[1].stages == [] and out[1].prepare_for is first  # type: ignore[attr-defined]
    assert out[1].stage_stats() == []  # type: ignore[attr-defined]
    assert plan([up, through], plugins, {}, 2)[0].prepare_for is None  # type: ignore[attr-defined]
    one = plan([up, first, through], plugins, {}, 1)  # one process: batches, prepare in-process
    assert [type(s) for s in one] == [BatchedSegment, FirstOfLength, Passthrough]
    assert one[0].stages == [up] and one[0].prepare_for is first  # type: ignore[attr-defined]


def test_documents_cross_the_process_boundary_unchanged() -> None:
    class Mine(Document):
        __slots__ = ()

    docs = [Document("a", "x", {"k": [1]}, Source("p", 3, "jsonl"), {"s": b"1"}), Document("b", "y"),
            Mine("c", "z")]
    back = [_unpack(_pack(d)) for d in docs]
    assert back == docs and [d.prepared for d in back] == [{"s": b"1"}, None, None]
    assert type(back[2]) is Mine and back[0].source == Source("p", 3, "jsonl")


def _run(tmp_path: Path, texts: list[str], stages: list[str], workers: int, name: str) -> Any:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(f'{{"id": "d{i}", "text": "{t}"}}\n' for i, t in enumerate(texts)))
    paths = OutputPaths.beside(str(tmp_path / f"{name}.jsonl"))
    plugins = _plugins()
    report = run_clean([str(corpus)], paths, plugins, RunOptions(stages=stages, workers=workers))
    return report, read_jsonl(Path(paths.output)), read_jsonl(paths.duplicates)


def test_prepared_results_travel_from_the_workers_and_never_reach_the_output(tmp_path: Path,
                                                                              monkeypatch: Any) -> None:
    texts = [f"doc {'x' * (i % 37)}" for i in range(700)]
    seen_pids: dict[int, set[int]] = {}
    original = FirstOfLength.process

    def spy(self: FirstOfLength, docs: Any) -> Any:
        yield from original(self, docs)
        seen_pids[id(self)] = self.prepared_in

    monkeypatch.setattr(FirstOfLength, "process", spy)
    runs = {}
    for stages in (["upper", "first-of-length", "passthrough"], ["passthrough", "first-of-length"]):
        for workers in (1, 2):
            seen_pids.clear()
            report, out, dups = _run(tmp_path, texts, stages, workers, f"{len(stages)}w{workers}")
            [pids] = seen_pids.values()
            if workers == 1:
                assert pids == {os.getpid()}
            else:
                assert os.getpid() not in pids and len(pids) >= 1
            if stages[0] == "upper" or workers > 1:  # prepared by the segment before the stage
                first = next(st for st in report.stages if st.name == "first-of-length")
                assert first.extra["prepare_seconds"] > 0
            assert all(set(r) == {"id", "text", "metadata"} for r in out)
            runs[(len(stages), workers)] = (out, dups, report.kept, report.duplicates)
    assert runs[(3, 1)] == runs[(3, 2)] and runs[(2, 1)] == runs[(2, 2)]
    assert runs[(3, 1)][2] == 37 and runs[(3, 1)][3] == 700 - 37


class _DropEvery(corpuskit.Stage):
    """Per document: reject every document whose number is a multiple of ``every``."""

    every = 1

    def process_document(self, doc: Document) -> Document | None:
        if int(doc.id[1:]) % self.every == 0:
            self.reject(doc, f"multiple of {self.every}")
            return None
        return doc


class DropFives(_DropEvery):
    name, order, every = "drop-fives", 10, 5


class DropSevens(_DropEvery):
    name, order, every = "drop-sevens", 20, 7


class DropElevens(_DropEvery):
    name, order, every = "drop-elevens", 40, 11


class OrderPlugin:
    @corpuskit.hookimpl
    def corpuskit_register_stages(self, register: Any) -> None:
        for cls in (DropFives, DropSevens, DropElevens, FirstOfLength):
            register(cls)


def test_drops_are_written_in_input_order_whatever_the_batching(tmp_path: Path) -> None:
    """Read failures, drops of two per-document stages, duplicates of a cross-document stage
    and drops of a per-document stage after it, all in one batch: the side files list them in
    input order with 1 and 2 workers and tiny batches, as a one-document-at-a-time chain does."""
    import corpuskit.parallel as parallel

    lines = []
    for i in range(600):
        lines.append(json.dumps({"id": f"d{i}", "text": "y" * (i % 50)}) if i % 13 else "{broken")
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("\n".join(lines) + "\n")
    plugins = load_plugins(only=["readers", "writers"], extra=[OrderPlugin()])
    stages = ["drop-fives", "drop-sevens", "first-of-length", "drop-elevens"]
    outputs = []
    for workers, batch in ((1, 256), (2, 256), (1, 7), (2, 5)):
        parallel.BATCH_SIZE = batch
        try:
            paths = OutputPaths.beside(str(tmp_path / f"w{workers}b{batch}.jsonl"))
            run_clean([str(corpus)], paths, plugins, RunOptions(stages=stages, workers=workers))
        finally:
            parallel.BATCH_SIZE = 256
        rejects = [(r.get("line"), r["stage"]) for r in read_jsonl(paths.rejects)]
        dups = [r["line"] for r in read_jsonl(paths.duplicates)]
        outputs.append((Path(paths.output).read_bytes(), rejects, dups))
    assert all(o == outputs[0] for o in outputs[1:])
    _, rejects, dups = outputs[0]
    assert [line for line, _stage in rejects] == sorted(line for line, _stage in rejects)
    assert {stage for _line, stage in rejects} == {"read", "drop-fives", "drop-sevens", "drop-elevens"}
    assert dups == sorted(dups) and len(dups) > 100


def test_library_api_reports_drops_in_input_order() -> None:
    """corpuskit.clean and Pipeline.process_batch run stages a batch at a time; their callbacks
    still see read failures, stage drops and duplicates in input order."""
    items: list[dict[str, Any]] = [
        {"id": f"d{i}", "text": "y" * (i % 50)} if i % 13 else {"id": f"d{i}", "body": None}
        for i in range(600)
    ]
    plugins = load_plugins(only=["readers", "writers"], extra=[OrderPlugin()])
    stages = ["drop-fives", "drop-sevens", "first-of-length", "drop-elevens"]
    seen: list[str] = []
    result = corpuskit.clean(items, stages=stages, plugins=plugins, on_reject=lambda r: seen.append(r["id"]),
                             on_duplicate=lambda r: seen.append(r["id"]))
    kept = [doc.id for doc in result]
    number = {f"d{i}": i for i in range(600)}
    assert [number[i] for i in seen] == sorted(number[i] for i in seen)
    assert {r["stage"] for r in result.rejects} == {"read", "drop-fives", "drop-sevens", "drop-elevens"}
    assert len(seen) + len(kept) == 600 and len(result.duplicates) > 100

    pipeline = corpuskit.Pipeline(stages=stages, plugins=plugins)  # (FirstOfLength forgets between calls)
    assert [doc.id for doc in pipeline.process_batch(items)] == kept
    pipeline.close()
    assert pipeline.rejects == result.rejects and pipeline.duplicates == result.duplicates
