"""A pipeline as text, JSON, Graphviz dot and Mermaid; a provenance chain as text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jupyter_repro.core.pipeline import Pipeline, Provenance

HASH_PREFIX = "blake3:"
SHORT_HASH = 12


def short_hash(digest: str | None) -> str:
    if digest is None:
        return "(no hash)"
    return digest.removeprefix(HASH_PREFIX)[:SHORT_HASH]


def pipeline_json(pipeline: Pipeline) -> dict[str, Any]:
    """`{"notebooks": [...], "files": [...], "edges": [...]}`, notebooks in run order."""
    notebooks = []
    for name in pipeline.order:
        node = pipeline.notebooks[name]
        notebooks.append(
            {
                "path": name,
                "from": node.origin,
                "inputs": {path: node.inputs[path] for path in sorted(node.inputs)},
                "outputs": {path: node.outputs[path] for path in sorted(node.outputs)},
                "upstream": list(pipeline.upstream[name]),
                "downstream": list(pipeline.downstream[name]),
            }
        )
    files = [
        {
            "path": path,
            "hash": pipeline.file_hash(path),
            "source": pipeline.is_source(path),
            "producer": pipeline.producers.get(path),
            "consumers": list(pipeline.consumers.get(path, ())),
        }
        for path in pipeline.files()
    ]
    edges = [{"from": a, "to": b, "files": list(f)} for (a, b), f in pipeline.edges.items()]
    return {"notebooks": notebooks, "files": files, "edges": edges}


def pipeline_text(pipeline: Pipeline) -> str:
    lines: list[str] = []
    for name in pipeline.order:
        node = pipeline.notebooks[name]
        note = "" if node.origin == "lock" else "  (not locked yet: from its journal)"
        lines.append(f"{name}{note}")
        for path in sorted(node.inputs):
            producer = pipeline.producers.get(path)
            origin = "source" if producer in (None, name) else f"from {producer}"
            lines.append(f"  reads  {path}  {short_hash(node.inputs[path])}  ({origin})")
        for path in sorted(node.outputs):
            readers = [r for r in pipeline.consumers.get(path, ()) if r != name]
            to = f"  (-> {', '.join(readers)})" if readers else ""
            lines.append(f"  writes {path}  {short_hash(node.outputs[path])}{to}")
    if not lines:
        return "no locked or journaled notebooks found\n"
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return json.dumps(text)


def pipeline_dot(pipeline: Pipeline) -> str:
    """Notebooks as boxes, files as notes; file -> reader and writer -> file."""
    lines = ["digraph pipeline {", "  rankdir=LR;"]
    for name in pipeline.order:
        lines.append(f"  {_quoted(name)} [shape=box];")
    for path in pipeline.files():
        label = f"{path}\\n{short_hash(pipeline.file_hash(path))}"
        lines.append(f'  {_quoted("file:" + path)} [shape=note, label="{label}"];')
    lines += [f"  {_quoted(a)} -> {_quoted(b)};" for a, b in _edges(pipeline)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def pipeline_mermaid(pipeline: Pipeline) -> str:
    ids: dict[str, str] = {}

    def ident(key: str) -> str:
        return ids.setdefault(key, f"n{len(ids)}")

    def label(text: str) -> str:
        return text.replace('"', "#quot;")

    lines = ["flowchart LR"]
    for name in pipeline.order:
        lines.append(f'  {ident(name)}["{label(name)}"]')
    for path in pipeline.files():
        lines.append(f'  {ident("file:" + path)}[/"{label(path)}"/]')
    lines += [f"  {ident(a)} --> {ident(b)}" for a, b in _edges(pipeline)]
    return "\n".join(lines) + "\n"


def _edges(pipeline: Pipeline) -> list[tuple[str, str]]:
    """Notebook -> file it writes, file -> notebook that reads it (files keyed `file:PATH`);
    a notebook reading back what it wrote draws no edge to itself."""
    edges = [(producer, "file:" + path) for path, producer in sorted(pipeline.producers.items())]
    edges += [
        ("file:" + path, reader)
        for path, readers in sorted(pipeline.consumers.items())
        for reader in readers
        if pipeline.producers.get(path) != reader
    ]
    return edges


def provenance_text(chain: Provenance, depth: int = 0) -> str:
    pad = "  " * depth
    if chain.producer is None:
        head = f"{pad}{chain.path}  {short_hash(chain.hash)}  (source)"
    else:
        head = f"{pad}{chain.path}  {short_hash(chain.hash)}  <- {chain.producer}"
    return "\n".join([head, *(provenance_text(item, depth + 1) for item in chain.inputs)])


def pipeline_json_text(pipeline: Pipeline) -> str:
    return json.dumps(pipeline_json(pipeline), indent=2) + "\n"


RENDERERS: dict[str, Callable[[Pipeline], str]] = {
    "text": pipeline_text,
    "dot": pipeline_dot,
    "mermaid": pipeline_mermaid,
    "json": pipeline_json_text,
}
