"""Named output normalizers: rewrite what legitimately differs between two runs.

Each normalizer is a pure text -> text function with a stable name, applied to both the
recorded and the rerun output before they are compared, so a memory address or a
timestamp never makes a notebook "not reproduced".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

TextNormalizer = Callable[[str], str]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")
_UUID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)
# ISO 8601 and the usual str(datetime) forms, with optional fraction and zone.
_DATETIME = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b"
)
# A bare time with fractions of a second is a clock reading, rarely data.
_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}:\d{2}[.,]\d{3,}\b")
_CTIME = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}\b"
)
# tqdm: "  40%|████      | 4/10 [00:01<00:02,  3.99it/s]"
_TQDM = re.compile(r"^.*\d+%\|.*\|.*\[[0-9:]+<[0-9:?]+.*\]\s*$", re.MULTILINE)
_MPL_REPR = re.compile(
    r"<(?:Figure size [\d.]+x[\d.]+ with \d+ Axes"
    r"|matplotlib\.[\w.]+ object at 0x\.\.\."
    r"|matplotlib\.[\w.]+ at 0x\.\.\.)>"
)
_MPL_LIST = re.compile(
    r"\[<matplotlib\.[\w.]+ at 0x\.\.\.>(?:, <matplotlib\.[\w.]+ at 0x\.\.\.>)*\]"
)
# %timeit: "10.2 µs ± 1.13 µs per loop (mean ± std. dev. of 7 runs, 100,000 loops each)"
# and the older "1000 loops, best of 3: 2.1 ms per loop"; %time: "CPU times: ..." and
# "Wall time: 1.23 s".
_DURATION = r"[\d.,]+\s*(?:ns|[\u00b5\u03bcu]s|ms|s|min|h)"
_TIMEIT = re.compile(
    rf"^{_DURATION} ± {_DURATION} per loop \(mean ± std\. dev\. of [\d,]+ runs?, "
    r"[\d,]+ loops? each\)$"
    rf"|^[\d,]+ loops?, best of \d+: {_DURATION} per loop$",
    re.MULTILINE,
)
_TIME = re.compile(r"^(?:CPU times: .*|Wall time: .*)$", re.MULTILINE)
# ipykernel runs each cell from a temporary file: /tmp/ipykernel_6033/2634842825.py
_IPYKERNEL_FILE = re.compile(r"(?:[\w.~-]*[/\\])*ipykernel_\d+[/\\]\d+\.py")
_FLOAT = re.compile(
    r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])|"
    r"(?<![\w.])[-+]?\d+[eE][-+]?\d+(?![\w.])"
)


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def mask_addresses(text: str) -> str:
    return _ADDRESS.sub("0x...", text)


def mask_uuids(text: str) -> str:
    return _UUID.sub("<uuid>", text)


def mask_timestamps(text: str) -> str:
    """Mask moments (a date with a time of day, `time.ctime()`, clock readings).

    Bare dates stay: in tables they are data, and a changed date must show. A cell that
    prints today's date differs and is explained by its clock use.
    """
    text = _DATETIME.sub("<datetime>", text)
    text = _CTIME.sub("<datetime>", text)
    return _CLOCK_TIME.sub("<time>", text)


def drop_progress_bars(text: str) -> str:
    # tqdm redraws with carriage returns: keep only what a terminal would finally show.
    lines = [line.rsplit("\r", 1)[-1] for line in text.split("\n")]
    return _TQDM.sub("<progress>", "\n".join(lines))


def mask_matplotlib_reprs(text: str) -> str:
    text = _ADDRESS.sub("0x...", text)
    text = _MPL_LIST.sub("<matplotlib artists>", text)
    return _MPL_REPR.sub("<matplotlib object>", text)


def mask_timings(text: str) -> str:
    """The output of `%timeit` and `%time`: durations differ on every run."""
    return _TIME.sub("<timing>", _TIMEIT.sub("<timing>", text))


def mask_ipykernel_files(text: str) -> str:
    """The temporary file ipykernel runs a cell from is named anew in every kernel."""
    return _IPYKERNEL_FILE.sub("<cell file>", text)


def round_floats(text: str, precision: int) -> str:
    """Print every float with `precision` significant digits: noise beyond it disappears."""

    def _round(match: re.Match[str]) -> str:
        try:
            value = float(match.group(0))
        except ValueError:
            return match.group(0)
        rounded = f"{value:.{precision}g}"
        return "0" if rounded == "-0" else rounded

    return _FLOAT.sub(_round, text)


@dataclass(frozen=True)
class RegexNormalizer:
    """An extra normalizer from the configuration."""

    pattern: str
    replacement: str

    def __call__(self, text: str) -> str:
        return re.sub(self.pattern, self.replacement, text)


BUILTIN: dict[str, TextNormalizer] = {
    "ansi": strip_ansi,
    "progress": drop_progress_bars,
    "matplotlib": mask_matplotlib_reprs,
    "addresses": mask_addresses,
    "uuids": mask_uuids,
    "timestamps": mask_timestamps,
    "timings": mask_timings,
    "ipykernel-files": mask_ipykernel_files,
}


@dataclass(frozen=True)
class NormalizerSet:
    """The normalizers a comparison applies, in order: built-ins, floats, then the project's."""

    float_precision: int = 6
    extra: tuple[RegexNormalizer, ...] = ()
    disabled: frozenset[str] = frozenset()

    @classmethod
    def from_config(
        cls, float_precision: int, extra: Sequence[tuple[str, str]] = ()
    ) -> NormalizerSet:
        return cls(float_precision, tuple(RegexNormalizer(p, r) for p, r in extra))

    def names(self) -> list[str]:
        names = [name for name in BUILTIN if name not in self.disabled]
        if "floats" not in self.disabled:
            names.append(f"floats({self.float_precision})")
        return names + [f"regex({n.pattern})" for n in self.extra]

    def apply(self, text: str) -> str:
        for name, normalizer in BUILTIN.items():
            if name not in self.disabled:
                text = normalizer(text)
        if "floats" not in self.disabled:
            text = round_floats(text, self.float_precision)
        for extra in self.extra:
            text = extra(text)
        return text
