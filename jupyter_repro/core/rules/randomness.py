"""`unseeded-random`: random numbers drawn before any seed is set, in notebook order.

Calls are resolved through the notebook's imports (`np.random.rand` -> `numpy.random.rand`,
`from random import shuffle`). A global seed covers its own library (and numpy's covers
scikit-learn's default); a generator built with a seed (`np.random.default_rng(42)`,
`random.Random(1)`) is fine, one built without is a finding. A configured `seed` (the
deterministic mode seeds every kernel) counts as seeding everything.
"""

from __future__ import annotations

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.findings import Finding
from jupyter_repro.core.names import Call
from jupyter_repro.core.rules.evidence import Evidence, finding

_SEEDS = {
    "random.seed": {"random"},
    "numpy.random.seed": {"numpy"},
    "torch.manual_seed": {"torch"},
    "torch.random.manual_seed": {"torch"},
    "tensorflow.random.set_seed": {"tensorflow"},
    "tensorflow.keras.utils.set_random_seed": {"tensorflow", "numpy", "random"},
    "keras.utils.set_random_seed": {"tensorflow", "numpy", "random"},
    "lightning.seed_everything": {"torch", "numpy", "random"},
    "pytorch_lightning.seed_everything": {"torch", "numpy", "random"},
    "lightning.pytorch.seed_everything": {"torch", "numpy", "random"},
    "transformers.set_seed": {"torch", "numpy", "random", "tensorflow"},
}
_DRAWS = {
    "random": {
        "random",
        "randint",
        "randrange",
        "choice",
        "choices",
        "shuffle",
        "sample",
        "uniform",
        "gauss",
        "normalvariate",
        "lognormvariate",
        "expovariate",
        "betavariate",
        "gammavariate",
        "triangular",
        "vonmisesvariate",
        "paretovariate",
        "weibullvariate",
        "getrandbits",
        "randbytes",
        "binomialvariate",
    },
    "numpy.random": {
        "rand",
        "randn",
        "randint",
        "random",
        "random_sample",
        "ranf",
        "sample",
        "choice",
        "shuffle",
        "permutation",
        "normal",
        "uniform",
        "binomial",
        "poisson",
        "beta",
        "gamma",
        "exponential",
        "lognormal",
        "multinomial",
        "multivariate_normal",
        "standard_normal",
        "random_integers",
        "bytes",
        "laplace",
        "logistic",
        "geometric",
        "chisquare",
        "dirichlet",
        "f",
        "gumbel",
        "hypergeometric",
        "negative_binomial",
        "pareto",
        "power",
        "rayleigh",
        "standard_cauchy",
        "standard_exponential",
        "standard_gamma",
        "standard_t",
        "triangular",
        "vonmises",
        "wald",
        "weibull",
        "zipf",
    },
    "torch": {
        "rand",
        "randn",
        "randint",
        "randperm",
        "normal",
        "bernoulli",
        "multinomial",
        "rand_like",
        "randn_like",
        "randint_like",
        "poisson",
    },
    "tensorflow.random": {
        "normal",
        "uniform",
        "shuffle",
        "truncated_normal",
        "categorical",
        "gamma",
        "poisson",
    },
}
_LIBRARY_OF_DRAWS = {
    "random": "random",
    "numpy.random": "numpy",
    "torch": "torch",
    "tensorflow.random": "tensorflow",
}
# Generators that are reproducible when given a seed, and draw from the OS when not.
_GENERATORS = {
    "numpy.random.default_rng": "seed",
    "numpy.random.RandomState": "seed",
    "numpy.random.Generator": None,
    "random.Random": "x",
    "torch.Generator": None,
}
# Functions that fall back to numpy's global generator without random_state.
_RANDOM_STATE = {
    "sklearn.model_selection.train_test_split",
    "sklearn.utils.shuffle",
    "sklearn.utils.resample",
}


def _resolve(name: str, aliases: dict[str, str]) -> str:
    head, _, rest = name.partition(".")
    target = aliases.get(head)
    if target is None:
        return name
    return f"{target}.{rest}" if rest else target


def _problem(call: Call, qualified: str, seeded: set[str]) -> str | None:
    module, _, function = qualified.rpartition(".")
    if module in _DRAWS and function in _DRAWS[module]:
        if _LIBRARY_OF_DRAWS[module] not in seeded:
            return f"`{call.name}()` draws random numbers and no seed is set before it"
    elif qualified in _GENERATORS:
        keyword = _GENERATORS[qualified]
        if keyword and call.nargs == 0 and keyword not in call.keywords:
            return f"`{call.name}()` builds a generator without a seed"
    elif (
        qualified in _RANDOM_STATE and "random_state" not in call.keywords and "numpy" not in seeded
    ):
        return f"`{call.name}()` shuffles without random_state and numpy is not seeded"
    return None


def check_randomness(evidence: Evidence, config: ReproConfig) -> list[Finding]:
    if not evidence.is_python or config.seed is not None:
        return []
    aliases: dict[str, str] = {}
    seeded: set[str] = set()
    findings: list[Finding] = []
    for cell in evidence.code_cells:
        scan = cell.scan
        aliases.update(scan.aliases)
        reported = False
        for call in sorted(scan.calls, key=lambda c: c.line):
            qualified = _resolve(call.name, aliases)
            if qualified in _SEEDS:
                if call.nargs or call.keywords:
                    seeded |= _SEEDS[qualified]
                continue
            problem = _problem(call, qualified, seeded)
            if problem is not None and not reported:
                reported = True  # one finding per cell is enough to act on
                findings.append(
                    finding(config, "unseeded-random", cell.index, f"line {call.line}: {problem}")
                )
    return findings
