"""`absolute-path` reports literals used as paths, not every string that looks like one."""

from __future__ import annotations

import pytest

from jupyter_repro.core.config import ReproConfig
from jupyter_repro.core.rules import Cell, Evidence, run_rules


def _cells_with_findings(*sources: str) -> list[int | None]:
    evidence = Evidence(
        path="nb.ipynb",
        cells=tuple(Cell(i, "code", source, i + 1) for i, source in enumerate(sources)),
    )
    config = ReproConfig(select=("absolute-path",))
    return [f.cell for f in run_rules(evidence, config)]


@pytest.mark.parametrize(
    "source",
    [
        "frame = pd.read_csv('/home/alice/data/survey.csv')",
        "text = open('~/Downloads/raw.txt').read()",
        "root = Path('/mnt/shared/project') / 'out'",
        "images = os.listdir(f'/data/{name}/images')",
        "model = torch.load(os.path.join('/models/best', 'model.pt'))",
        "fig.savefig(fname='/home/bob/figures/fig1.png')",
        "sys.path.append('/home/alice/lib')",
        "db = sqlite3.connect('/srv/db/app.sqlite')",
    ],
)
def test_a_literal_passed_to_a_reader_opener_or_pathlib_is_reported(source: str) -> None:
    assert _cells_with_findings(source) == [0]


def test_a_literal_assigned_to_a_name_later_used_as_a_path_is_reported() -> None:
    assert _cells_with_findings(
        "DATA_DIR = '/home/alice/data'", "frame = pd.read_csv(DATA_DIR + '/x.csv')"
    ) == [0]


def test_a_literal_reaching_a_path_call_through_other_names_is_reported() -> None:
    assert _cells_with_findings(
        "BASE = '/home/alice/project'",
        "csv_file = f'{BASE}/data/raw.csv'\nlocation = csv_file",
        "frame = pd.read_csv(location)",
    ) == [0]


def test_spark_readers_and_writers_take_paths() -> None:
    assert _cells_with_findings(
        "frame = spark.read.parquet('/mnt/lake/raw')\nframe.write.csv('/mnt/lake/out')"
    ) == [0, 0]


@pytest.mark.parametrize(
    "source",
    [
        # a fragment of a model or cloud resource name, never opened
        "export_path = base_path + '/versions/v0001/'",
        "resource = f'{project}/versions/v0001/'",
        "version_suffix = '/versions/v0001/'\nname = model_name + version_suffix",
        "route = '/api/v1/items/list'",
        "print('/home/alice/data/survey.csv is the old location')",
        # system paths in install branches
        "!echo 'deb http://packages.cloud.google.com/apt main' > "
        "/etc/apt/sources.list.d/gcsfuse.list",
        "!cat /usr/share/doc/readme.txt",
        "shutil.copy('/etc/hosts', 'hosts.txt')",
    ],
)
def test_strings_that_are_not_used_as_project_paths_are_not_reported(source: str) -> None:
    assert _cells_with_findings(source) == []


def test_shell_commands_still_report_paths_of_the_user_s_machine() -> None:
    assert _cells_with_findings("!cp /srv/exports/latest.csv data/", "%cd /home/alice/x") == [0, 1]
