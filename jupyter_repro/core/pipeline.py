"""A project's notebooks as a graph: an edge A -> B when a file A writes is a file B reads.

Pure: each notebook comes in as the files its lock (or journal) says it read and wrote,
with their hashes; the graph, its order, what lies up- or downstream of a notebook and
the provenance of a file come out. Files nobody writes are sources. A notebook that reads
a file it writes itself is not a cycle (it updates the file in place); two notebooks
writing one file, or a cycle between notebooks, is a `PipelineError` naming them.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from jupyter_repro.core.errors import UsageError

Origin = Literal["lock", "journal"]


class PipelineError(UsageError):
    """The notebooks do not form a pipeline: a cycle, or two producers of one file."""

    @classmethod
    def two_producers(cls, path: str, first: str, second: str) -> PipelineError:
        a, b = sorted((first, second))
        return cls(f"{path} is written by two notebooks: {a} and {b}")

    @classmethod
    def cycle(cls, notebooks: list[str]) -> PipelineError:
        return cls("the notebooks form a cycle: " + " -> ".join([*notebooks, notebooks[0]]))

    @classmethod
    def not_in_project(cls, name: str) -> PipelineError:
        return cls(f"{name}: not a notebook of this project (no lock and no journal names it)")


@dataclass(frozen=True)
class NotebookNode:
    """One notebook as recorded: project-relative paths of files read and written -> hash."""

    path: str
    inputs: Mapping[str, str | None]
    outputs: Mapping[str, str | None]
    origin: Origin = "lock"


@dataclass(frozen=True)
class Pipeline:
    notebooks: Mapping[str, NotebookNode]
    producers: Mapping[str, str]  # file -> the notebook that writes it
    consumers: Mapping[str, tuple[str, ...]]  # file -> notebooks that read it
    upstream: Mapping[str, tuple[str, ...]]  # notebook -> notebooks it reads from
    downstream: Mapping[str, tuple[str, ...]]
    order: tuple[str, ...]  # topological, ties broken by path
    edges: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def files(self) -> list[str]:
        return sorted({*self.producers, *self.consumers})

    def is_source(self, path: str) -> bool:
        return path not in self.producers

    def file_hash(self, path: str) -> str | None:
        """The hash its producer recorded writing, else the one a reader recorded."""
        producer = self.producers.get(path)
        if producer is not None:
            return self.notebooks[producer].outputs.get(path)
        for reader in self.consumers.get(path, ()):
            digest = self.notebooks[reader].inputs.get(path)
            if digest is not None:
                return digest
        return None

    def closure(self, start: Iterable[str], direction: Literal["up", "down"]) -> set[str]:
        """`start` and every notebook reachable from it up- or downstream."""
        links = self.upstream if direction == "up" else self.downstream
        seen: set[str] = set()
        todo = list(start)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(links.get(name, ()))
        return seen


def _producers(nodes: Iterable[NotebookNode]) -> dict[str, str]:
    producers: dict[str, str] = {}
    for node in sorted(nodes, key=lambda n: n.path):
        for path in node.outputs:
            other = producers.setdefault(path, node.path)
            if other != node.path:
                raise PipelineError.two_producers(path, other, node.path)
    return producers


def _order(names: Iterable[str], upstream: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Kahn's algorithm with a heap, so the order is deterministic; PipelineError on a cycle."""
    waiting = {name: len(upstream.get(name, ())) for name in names}
    downstream: dict[str, list[str]] = {name: [] for name in waiting}
    for name, ups in upstream.items():
        for up in ups:
            downstream[up].append(name)
    ready = [name for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        name = heapq.heappop(ready)
        order.append(name)
        for down in downstream[name]:
            waiting[down] -= 1
            if waiting[down] == 0:
                heapq.heappush(ready, down)
    if len(order) < len(waiting):
        raise PipelineError.cycle(_a_cycle({n for n, c in waiting.items() if c > 0}, upstream))
    return tuple(order)


def _a_cycle(stuck: set[str], upstream: Mapping[str, tuple[str, ...]]) -> list[str]:
    """One cycle among the notebooks Kahn's algorithm could not order, in reading order."""
    name = min(stuck)
    path: list[str] = []
    while name not in path:
        path.append(name)
        name = min(up for up in upstream[name] if up in stuck)
    cycle = path[path.index(name) :]
    cycle.reverse()  # walked upstream; say it the way data flows
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]


def build_pipeline(nodes: Iterable[NotebookNode]) -> Pipeline:
    """The graph of these notebooks; PipelineError for two producers of a file or a cycle."""
    by_path = {node.path: node for node in nodes}
    producers = _producers(by_path.values())
    consumers: dict[str, list[str]] = {}
    edges: dict[tuple[str, str], list[str]] = {}
    for node in sorted(by_path.values(), key=lambda n: n.path):
        for path in sorted(node.inputs):
            consumers.setdefault(path, []).append(node.path)
            producer = producers.get(path)
            if producer is not None and producer != node.path:
                edges.setdefault((producer, node.path), []).append(path)
    upstream: dict[str, set[str]] = {name: set() for name in by_path}
    downstream: dict[str, set[str]] = {name: set() for name in by_path}
    for a, b in edges:
        upstream[b].add(a)
        downstream[a].add(b)
    ups = {name: tuple(sorted(v)) for name, v in upstream.items()}
    return Pipeline(
        notebooks=by_path,
        producers=producers,
        consumers={path: tuple(v) for path, v in consumers.items()},
        upstream=ups,
        downstream={name: tuple(sorted(v)) for name, v in downstream.items()},
        order=_order(by_path, ups),
        edges={edge: tuple(files) for edge, files in sorted(edges.items())},
    )


@dataclass(frozen=True)
class Provenance:
    """How a file came to be: its hash, the notebook that wrote it and, recursively, what
    that notebook read. A source file has no producer."""

    path: str
    hash: str | None
    producer: str | None
    inputs: tuple[Provenance, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "hash": self.hash,
            "producer": self.producer,
            "inputs": [item.to_json() for item in self.inputs],
        }


def provenance(pipeline: Pipeline, path: str) -> Provenance:
    """The chain that produced `path` (a cycle cannot occur: the pipeline has none)."""
    producer = pipeline.producers.get(path)
    digest = pipeline.file_hash(path)
    if producer is None:
        return Provenance(path, digest, None)
    node = pipeline.notebooks[producer]
    inputs = tuple(
        _input_provenance(pipeline, item, node.inputs[item], producer)
        for item in sorted(node.inputs)
    )
    return Provenance(path, digest, producer, inputs)


def _input_provenance(
    pipeline: Pipeline, path: str, read_hash: str | None, reader: str
) -> Provenance:
    producer = pipeline.producers.get(path)
    if producer is None or producer == reader:
        return Provenance(path, read_hash, None)
    found = provenance(pipeline, path)
    # What the reader read is what counts: it may differ from what the producer wrote last.
    return Provenance(path, read_hash, found.producer, found.inputs)
