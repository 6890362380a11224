"""Rules against the lock: input-changed, input-missing, env-drift, no-lock; and pairing."""

from __future__ import annotations

from pathlib import Path

from jupyter_repro.io.environment import installed_distributions
from tests.support.check_projects import write_lock, write_notebook


def _rules(notebooks) -> list[tuple[str, object]]:
    return sorted((f["rule"], f["cell"]) for f in notebooks[0]["findings"])


def test_an_unchanged_locked_input_gives_no_finding(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    write_lock(nb, inputs={"data/in.csv": b"a,b\n1,2\n"})
    code, notebooks = check_json(str(nb))
    assert (code, _rules(notebooks)) == (0, [])


def test_a_locked_input_with_new_content_of_the_same_size_is_changed(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    write_lock(nb, inputs={"data/in.csv": b"a,b\n1,2\n"})
    (project / "data/in.csv").write_bytes(b"a,b\n3,4\n")
    code, notebooks = check_json(str(nb))
    assert _rules(notebooks) == [("input-changed", 0)] and code == 1
    assert "same size" in notebooks[0]["findings"][0]["message"]


def test_a_locked_input_of_another_size_is_changed(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    write_lock(nb, inputs={"in.csv": b"1\n"})
    (project / "in.csv").write_bytes(b"1\n2\n")
    assert _rules(check_json(str(nb))[1]) == [("input-changed", 0)]


def test_a_deleted_locked_input_is_missing(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    write_lock(nb, inputs={"in.csv": b"1\n"})
    (project / "in.csv").unlink()
    assert _rules(check_json(str(nb))[1]) == [("input-missing", 0)]


def test_ignored_inputs_are_not_compared(project, check_json):
    (project / ".jupyter-repro.toml").write_text('ignore-inputs = ["cache/*"]\n')
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    write_lock(nb, inputs={"cache/tmp.bin": b"1"})
    (project / "cache/tmp.bin").unlink()
    assert _rules(check_json(str(nb))[1]) == []


def test_an_imported_distribution_at_another_version_is_env_drift(project, check_json):
    installed = installed_distributions()
    name = "pytest" if "pytest" in installed else sorted(installed)[0]
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    write_lock(nb, imported={name: "0.0.1", "surely-not-installed-dist": "1.0"})
    findings = check_json(str(nb))[1][0]["findings"]
    drift = sorted(f["message"] for f in findings if f["rule"] == "env-drift")
    assert len(drift) == 2
    assert any(installed[name] in m for m in drift)
    assert any("not installed" in m for m in drift)


def test_the_locked_versions_installed_here_are_no_drift(project, check_json):
    installed = installed_distributions()
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    write_lock(nb, imported={k: installed[k] for k in sorted(installed)[:5]})
    assert _rules(check_json(str(nb))[1]) == []


def test_a_missing_lock_is_reported_only_when_the_project_requires_locks(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    assert _rules(check_json(str(nb))[1]) == []
    (project / ".jupyter-repro.toml").write_text("require-lock = true\n")
    assert _rules(check_json(str(nb))[1]) == [("no-lock", None)]


def test_an_invalid_lock_is_bad_input_but_the_notebook_is_still_checked(project, check_json):
    nb = write_notebook(project / "nb.ipynb", [("print(undefined)", 1)])
    nb.with_name("nb.repro.json").write_text("{broken")
    code, notebooks = check_json(str(nb))
    assert code == 2
    assert "nb.repro.json" in notebooks[0]["error"]
    assert _rules(notebooks) == [("hidden-state", 0)]


def test_pairing_is_checked_when_required(project: Path, check_json):
    (project / ".jupyter-repro.toml").write_text("require-pair = true\n")
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1), ("y = x", 2)])
    assert _rules(check_json(str(nb))[1]) == [("unpaired", None)]
    script = project / "nb.py"
    script.write_text("# %%\nx = 1\n\n# %%\ny = x\n")
    # A same-named script the notebook does not declare is not its pair (jupytext would not
    # keep it in sync): still unpaired until `pair` declares it.
    assert _rules(check_json(str(nb))[1]) == [("unpaired", None)]
    metadata = {"jupytext": {"formats": "ipynb,py:percent"}}
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1), ("y = x", 2)], metadata=metadata)
    assert _rules(check_json(str(nb))[1]) == []
    script.write_text("# %%\nx = 1\n\n# %%\ny = x * 2\n")
    assert _rules(check_json(str(nb))[1]) == [("pair-out-of-sync", 1)]


def test_a_pair_declared_in_jupytext_metadata_must_stay_in_sync(project: Path, check_json):
    metadata = {"jupytext": {"formats": "ipynb,py:percent"}}
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)], metadata=metadata)
    (project / "nb.py").write_text("# %%\nx = 1\n\n# %%\nextra = 2\n")
    assert _rules(check_json(str(nb))[1]) == [("pair-out-of-sync", None)]


def test_an_unrequired_undeclared_pair_is_not_compared(project: Path, check_json):
    nb = write_notebook(project / "nb.ipynb", [("x = 1", 1)])
    (project / "nb.py").write_text("# %%\nsomething = 'else'\n")
    assert _rules(check_json(str(nb))[1]) == []
