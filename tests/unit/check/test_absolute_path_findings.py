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


def _findings_with_paths_on_disk(source: str, on_disk: frozenset[str]) -> list[str]:
    evidence = Evidence(path="nb.ipynb", cells=(Cell(0, "code", source, 1),), paths_on_disk=on_disk)
    return [f.message for f in run_rules(evidence, ReproConfig(select=("absolute-path",)))]


def test_a_path_like_literal_not_used_as_a_path_is_reported_when_it_exists_here() -> None:
    source = "SOURCE = '/srv/exports/2024/survey.csv'\nprint('data from', SOURCE)"
    assert _findings_with_paths_on_disk(source, frozenset()) == []
    [message] = _findings_with_paths_on_disk(source, frozenset({"/srv/exports/2024/survey.csv"}))
    assert "exists on this machine" in message and "line 1" in message


def test_only_literals_not_used_as_paths_are_looked_up_and_never_a_fragment() -> None:
    from jupyter_repro.core.rules.paths import literals_to_look_up

    cells = [
        Cell(0, "code", "print('/srv/exports/a.csv')", 1),
        Cell(1, "code", "open('/home/me/b.csv')", 2),  # used as a path: reported anyway
        Cell(2, "code", "url = base + '/versions/v1/model.bin'", 3),  # a fragment
        Cell(3, "code", "print('/etc/apt/sources.list')", 4),  # a system path
    ]
    assert literals_to_look_up(cells) == ["/srv/exports/a.csv"]


def test_at_most_a_bounded_number_of_literals_are_looked_up() -> None:
    from jupyter_repro.core.rules.paths import literals_to_look_up

    source = "\n".join(f"x{i} = '/srv/data/file{i}.csv'" for i in range(1000))
    assert len(literals_to_look_up([Cell(0, "code", source, 1)])) == 256
