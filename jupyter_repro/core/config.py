"""The project's configuration: `[tool.jupyter-repro]` or `.jupyter-repro.toml`.

Parsing and validation are pure (a mapping in, a ReproConfig out); finding and reading
the file lives in `jupyter_repro.io.config`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from jupyter_repro.core.errors import ConfigError
from jupyter_repro.core.findings import RULES, Severity

Enforcement = Literal["off", "warn", "strict"]

DEFAULT_MAX_STORED_FILE = 512 * 1024**2
REMOTE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B?)?\s*$", re.IGNORECASE)
_UNITS = {
    "": 1,
    "B": 1,
    "K": 1000,
    "KB": 1000,
    "KIB": 1024,
    "M": 1000**2,
    "MB": 1000**2,
    "MIB": 1024**2,
    "G": 1000**3,
    "GB": 1000**3,
    "GIB": 1024**3,
    "T": 1000**4,
    "TB": 1000**4,
    "TIB": 1024**4,
}


@dataclass(frozen=True)
class Normalizer:
    """An extra output normalizer: a regular expression and its replacement."""

    pattern: str
    replacement: str


@dataclass(frozen=True)
class Override:
    """Settings for notebooks whose project-relative path matches one of `notebooks` globs."""

    notebooks: tuple[str, ...]
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    enforce: Enforcement | None = None


@dataclass(frozen=True)
class ReproConfig:
    select: tuple[str, ...] = tuple(RULES)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    enforce: Enforcement = "warn"
    require_pair: bool = False
    require_lock: bool = False
    paired_format: str = "py:percent"
    seed: int | None = None
    store_max_file_size: int = DEFAULT_MAX_STORED_FILE
    ignore_inputs: tuple[str, ...] = ()
    normalizers: tuple[Normalizer, ...] = ()
    float_precision: int = 6
    env_allowlist: tuple[str, ...] = ()
    overrides: tuple[Override, ...] = ()
    remotes: Mapping[str, str] = field(default_factory=dict)  # name -> fsspec URL, first default

    def enabled_rules(self) -> frozenset[str]:
        return frozenset(self.select) - frozenset(self.ignore)

    def severity_of(self, rule: str) -> Severity:
        return self.severity.get(rule, RULES[rule][0])

    def for_notebook(self, relative_path: str) -> ReproConfig:
        """This configuration with the overrides whose globs match the notebook applied."""
        config = self
        for override in self.overrides:
            if any(fnmatch.fnmatch(relative_path, glob) for glob in override.notebooks):
                config = replace(
                    config,
                    select=override.select if override.select is not None else config.select,
                    ignore=config.ignore + override.ignore,
                    severity={**config.severity, **override.severity},
                    enforce=override.enforce or config.enforce,
                )
        return config


def parse_size(value: object, key: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    match = _SIZE.match(str(value)) if isinstance(value, str) else None
    if match is None or (match.group(2) is not None and match.group(2).upper() not in _UNITS):
        raise ConfigError(f"{key}: expected a size like 512MiB or a number of bytes, got {value!r}")
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "").upper()])


def _rules(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of rule names")
    unknown = [v for v in value if v not in RULES]
    if unknown:
        raise ConfigError(f"{key}: unknown rule {unknown[0]!r}; known rules: {', '.join(RULES)}")
    return tuple(value)


def _severity(value: object, key: str) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(f'{key}: expected a table of rule = "error" | "warning"')
    _rules(list(value), key)
    result: dict[str, Severity] = {}
    for rule, level in value.items():
        if level not in ("error", "warning"):
            raise ConfigError(f'{key}.{rule}: expected "error" or "warning", got {level!r}')
        result[rule] = level
    return result


def _strings(value: object, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of strings")
    return tuple(value)


def _enforce(value: object, key: str) -> Enforcement:
    if value not in ("off", "warn", "strict"):
        raise ConfigError(f'{key}: expected "off", "warn" or "strict", got {value!r}')
    return value


def _bool(value: object, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: expected true or false")
    return value


def _int(value: object, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigError(f"{key}: expected an integer")
    return value


def _normalizers(value: object, key: str) -> tuple[Normalizer, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{key}: expected a list of {{pattern = ..., replacement = ...}} tables")
    result = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("pattern"), str):
            raise ConfigError(f"{key}: each normalizer needs a pattern string")
        try:
            re.compile(item["pattern"])
        except re.error as exc:
            raise ConfigError(f"{key}: invalid pattern {item['pattern']!r}: {exc}") from None
        result.append(Normalizer(item["pattern"], str(item.get("replacement", ""))))
    return tuple(result)


def _override(value: object, key: str) -> Override:
    if not isinstance(value, dict) or "notebooks" not in value:
        raise ConfigError(f"{key}: each override needs notebooks = [globs]")
    known = {"notebooks", "select", "ignore", "severity", "enforce"}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ConfigError(f"{key}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(known))}")
    return Override(
        notebooks=_strings(value["notebooks"], f"{key}.notebooks"),
        select=_rules(value["select"], f"{key}.select") if "select" in value else None,
        ignore=_rules(value.get("ignore", []), f"{key}.ignore"),
        severity=_severity(value.get("severity", {}), f"{key}.severity"),
        enforce=_enforce(value["enforce"], f"{key}.enforce") if "enforce" in value else None,
    )


def _remotes(value: object, key: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ConfigError(f'{key}: expected a table of name = "URL"')
    result: dict[str, str] = {}
    for name, url in value.items():
        if not REMOTE_NAME.fullmatch(str(name)) or not isinstance(url, str) or not url:
            raise ConfigError(f"{key}.{name}: expected a name of letters, digits, ._- and a URL")
        result[str(name)] = url
    return result


_PARSERS: dict[str, tuple[str, Any]] = {
    "select": ("select", _rules),
    "ignore": ("ignore", _rules),
    "severity": ("severity", _severity),
    "enforce": ("enforce", _enforce),
    "require-pair": ("require_pair", _bool),
    "require-lock": ("require_lock", _bool),
    "paired-format": ("paired_format", lambda v, k: _strings([v], k)[0]),
    "seed": ("seed", _int),
    "store-max-file-size": ("store_max_file_size", parse_size),
    "ignore-inputs": ("ignore_inputs", _strings),
    "normalizers": ("normalizers", _normalizers),
    "float-precision": ("float_precision", _int),
    "env-allowlist": ("env_allowlist", _strings),
    "remotes": ("remotes", _remotes),
    "overrides": (
        "overrides",
        lambda v, k: tuple(
            _override(item, f"{k}[{i}]") for i, item in enumerate(v if isinstance(v, list) else [v])
        ),
    ),
}


def parse_config(table: Mapping[str, Any], source: str = "[tool.jupyter-repro]") -> ReproConfig:
    """Validate a configuration table. Unknown keys and rules are errors, named with `source`."""
    unknown = sorted(set(table) - set(_PARSERS))
    if unknown:
        raise ConfigError(
            f"{source}: unknown key {unknown[0]!r}; allowed keys: {', '.join(sorted(_PARSERS))}"
        )
    values = {
        attr: parse(table[key], f"{source}.{key}")
        for key, (attr, parse) in _PARSERS.items()
        if key in table
    }
    return ReproConfig(**values)
