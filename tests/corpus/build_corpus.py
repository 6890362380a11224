"""Regenerate the corpus notebooks: `python tests/corpus/build_corpus.py`.

Each notebook `<name>.ipynb` has its expected findings in `<name>.expected.json`:
{"findings": [{"rule": ..., "cell": ...}]} or {"error": true} for unreadable input.
The expectations are written by hand below, next to the cells they are about.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

HERE = Path(__file__).parent
KERNEL = {
    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
}


def code(source: str, count: int | None = None, tags: list[str] | None = None) -> dict:
    cell = nbformat.v4.new_code_cell(source, execution_count=count)
    if tags:
        cell.metadata["tags"] = tags
    return cell


def md(text: str) -> dict:
    return nbformat.v4.new_markdown_cell(text)


def write(
    name: str, cells: list, expected: list[tuple[str, int | None]], metadata: dict | None = None
) -> None:
    nb = nbformat.v4.new_notebook(metadata=KERNEL if metadata is None else metadata)
    nb.cells = cells
    for index, cell in enumerate(nb.cells):
        cell.id = f"{name[:20]}-{index}"
    nbformat.validate(nb)
    (HERE / f"{name}.ipynb").write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    findings = [{"rule": rule, "cell": cell} for rule, cell in expected]
    (HERE / f"{name}.expected.json").write_text(
        json.dumps({"findings": findings}, indent=2) + "\n", encoding="utf-8"
    )


def build() -> None:
    write(
        "clean_run",
        [
            md("# A clean restart-and-run-all"),
            code("import numpy as np\nimport pandas as pd\nfrom helpers import load_table", 1),
            code("def summarize(frame, column='value'):\n    return frame[column].describe()", 2),
            code(
                "rng = np.random.default_rng(42)\n"
                "table = pd.DataFrame({'value': rng.normal(size=10)})",
                3,
            ),
            code("squares = [v * v for v in table['value']]\nsummarize(table)", 4),
            code("", 5),
        ],
        [],
    )
    write(
        "never_executed",
        [
            code("import numpy as np"),
            code("values = np.arange(3)"),
            code("values.sum()"),
        ],
        [],
    )
    write(
        "stopped_on_error",
        [
            code("a = 1", 1),
            code("raise ValueError('stop')", 2),
            code("b = a + 1"),
        ],
        [],
    )
    write(
        "out_of_order",
        [
            code("x = 1", 3),
            code("y = x + 1", 1),
            code("print(y)", 2),
        ],
        [("out-of-order", 1)],
    )
    # PythonDataScienceHandbook 06.00-Figure-Code: one cell run again above many, and the
    # last cell run again: one finding for the first, none for the second.
    write(
        "rerun_noise",
        [
            code("import numpy as np", 1),
            code("x = np.arange(3)", 2),
            code("fig_a = x * 2", 10),
            *[code(f"fig_{k} = x + {k}", k) for k in range(3, 10)],
            code("print(fig_a)", 12),
        ],
        [("out-of-order", 3)],
    )
    write(
        "skipped_cell",
        [
            code("x = 1", 1),
            code("z = 3"),
            code("print(x)", 2),
        ],
        [("skipped-cell", 1)],
    )
    write(
        "count_gap",
        [
            code("x = 1", 4),
            code("y = 2", 5),
            code("print(x, y)", 9),
        ],
        [("count-gap", 0)],
    )
    write(
        "hidden_state",
        [
            code("total = base + 1", 1),
            code("print(result)", 2),
            code("result = total * 2\nbase = 0", 3),
            code("def report():\n    return forgotten_helper(result)", 4),
        ],
        [("hidden-state", 0), ("hidden-state", 1), ("hidden-state", 3)],
    )
    write(
        "hidden_state_look_alikes",
        [
            code("%matplotlib inline\n%load_ext autoreload\n%autoreload 2", 1),
            code("import os, sys\nfrom pathlib import Path\nimport numpy as np", 2),
            code("files = !ls\nlisting = %sx ls -la\nprint(files, listing)", 3),
            code("%%time\ntotal = sum(i for i in range(10))", 4),
            code("%%capture captured\nprint(total)", 5),
            code("%%bash\necho $HOME\nfor f in *; do echo $f; done", 6),
            code(
                "squares = {k: k * k for k in range(3)}\n"
                "for index, value in enumerate(squares):\n    last = index\n"
                "with open(os.devnull) as handle:\n    handle.read()\n"
                "try:\n    pass\nexcept ValueError as error:\n    print(error)\n"
                "if (n := len(squares)) > 1:\n    print(n)",
                7,
            ),
            code(
                "class Model:\n    size = 3\n    doubled = size * 2\n\n"
                "    def fit(self, data, *, epochs=1, **options):\n"
                "        return [d for d in data], epochs, options\n\n"
                "def reset():\n    global counter\n    counter = 0\n\nreset()",
                8,
            ),
            code(
                "print(counter, Model, last, captured, n, len(files))\n"
                "display(np.zeros(2)); _ = In, Out, get_ipython()\nprint(_3)",
                9,
            ),
            code("lambda value: value + 1\nprint(__name__, Path.cwd(), sys.argv)", 10),
            code("!echo {len(files)}\n%timeit -n 1 squares_again = [x for x in range(3)]", 11),
            code("np.zeros?", 12),
        ],
        [],
    )
    write(
        "opaque_cells",
        [
            code("%run helpers.py", 1),
            code("from math import *\nprint(load_table, sqrt(2))", 2),
        ],
        [],
    )
    # PythonDataScienceHandbook 01.07-Timing-and-Profiling: cell magics whose body is Python.
    write(
        "python_cell_magics",
        [
            code("%timeit sum(range(100))", 1),
            code("%%timeit\ntotal = 0\nfor i in range(1000):\n    total += i * (-1) ** i", 2),
            code("import random\nL = [random.random() for i in range(10)]\n%time L.sort()", 3),
            code("%%time\ntotal = 0\nfor i in range(1000):\n    total += i", 4),
            code("%%prun -s cumulative\nrows = [total * k for k in range(3)]", 5),
            code("print(total, i, rows)", 6),
        ],
        [("unseeded-random", 2)],
    )
    # WhirlwindTourOfPython 13-Modules-and-Packages and nbdime mixed-conflicts--1: names a
    # star import or %pylab may have brought are possibly defined, in the cell and below.
    write(
        "star_imports",
        [
            code("from math import cos, pi\ncos(pi)", 1),
            code("from math import *\nsin(pi) ** 2 + cos(pi) ** 2", 2),
            code("%pylab inline\nfigure(1)\nx = [1, 2, 3]\nplot(x, sin(x))", 3),
            code("print(sqrt(2), linspace(0, 1))", 4),
        ],
        [],
    )
    # Names bound inside an `except` handler are defined for the cells below.
    # WhirlwindTourOfPython 09-Errors-and-Exceptions: cells that show an error on purpose.
    shown = code("print(Q)", 1)
    shown.outputs = [
        nbformat.v4.new_output(
            "error", ename="NameError", evalue="name 'Q' is not defined", traceback=[]
        )
    ]
    write(
        "recorded_name_error",
        [
            shown,
            code("print(undefined_on_purpose)", 2, tags=["raises-exception"]),
            code("print(really_missing)", 3),
        ],
        [("hidden-state", 2)],
    )
    write(
        "handler_bindings",
        [
            code(
                "try:\n    import ujson as json_lib\nexcept ImportError as missing:\n"
                "    import json as json_lib\n    fallback_reason = str(missing)",
                1,
            ),
            code("print(json_lib.dumps({}), fallback_reason)", 2),
        ],
        [],
    )
    write(
        "absolute_paths",
        [
            code(
                "import os\nimport pandas as pd\n"
                "frame = pd.read_csv('/home/alice/data/survey.csv')",
                1,
            ),
            code("raw = open('~/Downloads/raw.txt').read()", 2),
            code(
                "out = r'C:\\Users\\bob\\results.xlsx'\nfolder = f'/mnt/shared/{out}'\n"
                "frame.to_excel(out)\nos.makedirs(folder)",
                3,
            ),
            code("!cp /srv/exports/latest.csv data/\n%cd /home/alice/project", 4),
        ],
        [
            ("absolute-path", 0),
            ("absolute-path", 1),
            ("absolute-path", 2),
            ("absolute-path", 2),
            ("absolute-path", 3),
            ("absolute-path", 3),
        ],
    )
    write(
        "absolute_path_look_alikes",
        [
            code(
                "import os, re\nurl = 'https://example.org/data/file.csv'\n"
                "sink = open('/dev/null', 'w')\nscratch = '/tmp/work.csv'",
                1,
            ),
            code(
                "base = os.getcwd()\nendpoint = base + '/api/v1/items'\n"
                "flag = url.startswith('/usr/local')\npattern = re.compile(r'^/[a-z]+/\\d+$')",
                2,
            ),
            code(
                'def load():\n    """Reads /etc/hosts style text: see /usr/share/doc."""\n'
                "    return 'data/local.csv'\nroute = '/items/{item_id}'\nratio = '3/4'\n"
                "sep = '/'\nglob = '/data/*.csv'",
                3,
            ),
            code("text = 'a path like /home/x/y in prose, with spaces and a comma'", 4),
            code(
                "!wget https://example.org/a.csv -O data/a.csv 2>/dev/null\n!echo $HOME {text}\n"
                "%cd data\nremainder = 7 % 3",
                5,
            ),
        ],
        [],
    )
    # Strings that look like paths but are not used as paths of the project: a model
    # version suffix, install steps writing system files, an API route.
    write(
        "absolute_path_not_used_as_path",
        [
            code(
                "!echo 'deb https://packages.example.org/apt main' > "
                "/etc/apt/sources.list.d/example.list\n!cat /usr/share/doc/readme.txt",
                1,
            ),
            code(
                "model_path = 'models/flowers'\nversion_suffix = '/versions/v0001/'\n"
                "export_path = model_path + version_suffix\nroute = '/api/v1/items/list'",
                2,
            ),
            code("print('/home/alice/old/location.csv moved')", 3),
        ],
        [],
    )
    write(
        "unseeded_random",
        [
            code("import random\nimport numpy as np\nvalue = random.random()", 1),
            code("sample = np.random.rand(3)", 2),
            code("rng = np.random.default_rng()", 3),
            code(
                "from sklearn.model_selection import train_test_split\n"
                "train, test = train_test_split(list(range(10)))",
                4,
            ),
        ],
        [
            ("unseeded-random", 0),
            ("unseeded-random", 1),
            ("unseeded-random", 2),
            ("unseeded-random", 3),
        ],
    )
    write(
        "seeded_random",
        [
            code("import random\nimport numpy as np\nrandom.seed(0)\nnp.random.seed(0)", 1),
            code("value = random.random()\nsample = np.random.rand(3)", 2),
            code("rng = np.random.default_rng(42)\nother = random.Random(1)\nrng.normal()", 3),
            code(
                "from sklearn.model_selection import train_test_split\n"
                "train, test = train_test_split(list(range(10)), random_state=1)",
                4,
            ),
        ],
        [],
    )
    write(
        "undeclared_dependency",
        [
            code(
                "import os\nimport json\nimport numpy as np\nimport helpers\nfrom . import sibling",
                1,
            ),
            code("import requests\nimport bs4", 2),
            code("import yaml\nimport sklearn.linear_model", 3),
        ],
        [("undeclared-dependency", 1), ("undeclared-dependency", 1)],
    )
    # Optional imports, generated modules and a declared distribution with a longer name.
    write(
        "dependency_look_alikes",
        [
            code(
                "try:\n    import ujson as json_lib\n"
                "except ImportError:\n    import json as json_lib",
                1,
            ),
            code(
                "!python -m grpc_tools.protoc -I protos --python_out=. --grpc_python_out=. "
                "protos/route_guide.proto\n!wget -q https://example.org/helpers/plotting.py",
                2,
            ),
            code("import route_guide_pb2, route_guide_pb2_grpc\nimport plotting", 3),
            code("from tensorflow_serving.apis import predict_pb2", 4),
            code("import grpc\nfrom googleapiclient import discovery", 5),
        ],
        [("undeclared-dependency", 4), ("undeclared-dependency", 4)],
    )
    # jupytext R_sample.ipynb and julia_sample_script.ipynb: the language is only in
    # jupytext's main_language. Only the language-independent rules apply.
    write(
        "r_notebook",
        [
            code("library(ggplot2)\ncars <- read.csv('/home/alice/cars.csv')", 1),
            code("summary(cars)\nplot(cars$speed, runif(10))", 3),
            code("x <- rnorm(5)", 2),
        ],
        [("out-of-order", 2)],
        metadata={"jupytext": {"main_language": "R", "notebook_metadata_filter": "-all"}},
    )
    write(
        "julia_notebook",
        [
            code("using Plots\nx = rand(10)", 1),
            code('plot(x, y)\nprintln("/home/alice/out.png")', 2),
        ],
        [],
        metadata={"jupytext": {"main_language": "julia"}},
    )
    write(
        "pep723_declared",
        [
            code('# /// script\n# dependencies = ["requests>=2", "scikit-learn"]\n# ///', 1),
            code("import requests\nimport sklearn", 2),
        ],
        [],
    )
    write(
        "suppressed",
        [
            code("print(undefined_a)  # repro: ignore[hidden-state]", 1),
            code("print(undefined_b)", 2, tags=["repro-ignore:hidden-state"]),
            code("data = open('/home/alice/x.csv')  # repro: ignore", 3),
            code("print(undefined_c)", 4, tags=["repro-ignore"]),
            code("print(undefined_d)  # repro: ignore[absolute-path]", 5),
        ],
        [("hidden-state", 4)],
    )
    (HERE / "old_format_v3.ipynb").write_text(
        json.dumps(
            {
                "nbformat": 3,
                "nbformat_minor": 0,
                "metadata": {},
                "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1"}]}],
            }
        )
        + "\n"
    )
    (HERE / "old_format_v3.expected.json").write_text('{"error": true}\n')
    (HERE / "invalid_json.ipynb").write_text('{"cells": [\n')
    (HERE / "invalid_json.expected.json").write_text('{"error": true}\n')


if __name__ == "__main__":
    build()
