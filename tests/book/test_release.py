"""`coursebook release`: the student repository holds nothing from answers/, and works on its own.

Instructor-only (not copied into the release). The two tests marked `release` build a fresh copy of
the release and run what students and the release's CI run: the Colab set-up cell in a fresh
virtual environment, then the README's `make book` and `make test` (its browser tier collected,
and one browser file run against the release's own site).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from coursebook.book.release import COLAB_PROVIDES, COLAB_TAG, ReleaseError, colab_requirements, runtime_dependencies, student_repository, write_release
from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.leaks import number_formats, scan
from tests.conftest import ROOT

TAG = "v0.1.0-test"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("release") / "student"
    write_release(ROOT, dest, version=TAG)
    return dest


def test_release_holds_no_answer_in_any_form(release):
    # A stock release: no answer value is searched for (the stock answers are public upstream, and
    # some chapters still compute them: test_secrecy.py), every solution, rubric and figure is.
    assert scan(release, ROOT, check_files=[]) == []
    assert not list(release.rglob("answers")) and not list(release.rglob("*.yml.bak"))
    assert not [p for p in (release / "exercises" / "checks").iterdir() if p.suffix != ".json"]
    # Spot checks that do not rely on the scanner: the raw answers of ex1a are nowhere.
    text = "\n".join(p.read_text(errors="replace") for p in release.rglob("*") if p.is_file() and p.suffix in (".json", ".md", ".yml", ".txt", ".py"))
    for secret in ("59.6078", "55.8824", "74.5098", "111.7647", "- complies\n- complies", "### BEGIN SOLUTION\n"):
        assert secret not in text


def test_release_is_a_repository_of_its_own(release):
    readme = (release / "README.md").read_text()
    assert "make book" in readme.split("##")[0] and "make test" in readme.split("##")[0]
    for path in ("Makefile", ".ci/run", ".github/workflows/test.yml", ".github/workflows/deploy.yml", "binder/requirements.txt",
                 "binder/runtime.txt", "requirements-colab.txt", "pyproject.toml", "constraints.txt", "_toc.yml",
                 "coursebook/__init__.py", "book/working-on-exercises.md", "tests/conftest.py"):
        assert (release / path).is_file(), path
    assert os.access(release / ".ci" / "run", os.X_OK)
    config = yaml.safe_load((release / "_config.yml").read_text())
    student = student_repository(ROOT)
    assert config["repository"]["url"] == student and "coursebook" not in config
    assert config["launch_buttons"]["binderhub_url"] and config["launch_buttons"]["colab_url"]
    assert config["html"]["use_repository_button"]
    assert (release / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    toc = (release / "_toc.yml").read_text()
    assert "book/working-on-exercises" in toc and "answers/" not in toc
    assert "answers" not in (release / "pyproject.toml").read_text().split("testpaths")[1].splitlines()[0]


def test_every_notebook_starts_with_the_colab_cell(release):
    notebooks = [*sorted((release / "book").glob("*.ipynb")), *sorted((release / "exercises").glob("*.ipynb"))]
    assert len(notebooks) >= 12
    for path in notebooks:
        first = nbformat.read(path, as_version=4).cells[0]
        assert COLAB_TAG in first.metadata["tags"] and "remove-cell" in first.metadata["tags"]
        assert student_repository(ROOT) + ".git" in first.source and TAG in first.source
        assert f'/{path.parent.name}")' in first.source


def test_colab_cell_does_nothing_outside_colab(release, capsys):
    cell = nbformat.read(release / "exercises" / "ex1a-coercion-threshold.ipynb", as_version=4).cells[0]
    before = os.getcwd()
    assert "google.colab" not in sys.modules
    exec(compile(cell.source, "colab-cell", "exec"), {})
    assert os.getcwd() == before and capsys.readouterr().out == ""


def test_binder_builds_python_311_and_installs_the_package(release, tmp_path):
    r2d = shutil.which("jupyter-repo2docker", path=str(BIN))
    assert r2d, "jupyter-repo2docker is a test dependency: run make test"
    completed = subprocess.run([r2d, "--no-build", "--debug", "--no-run", str(release)], capture_output=True, text=True, timeout=300)
    log = completed.stdout + completed.stderr
    assert completed.returncode == 0, log[-2000:]
    assert "python=3.11" in log and 'pip install --no-cache-dir -r "binder/requirements.txt"' in log
    # The requirements resolve, from the release's root as repo2docker runs them. In a copy: pip
    # writes coursebook.egg-info/ beside the package, and the release is shared by the module.
    copy = shutil.copytree(release, tmp_path / "student")
    dry = subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--dry-run", "--quiet", "-r", "binder/requirements.txt"],
                         cwd=copy, capture_output=True, text=True, timeout=600)
    assert dry.returncode == 0, dry.stderr[-2000:]


def test_colab_installs_every_runtime_dependency_colab_lacks(release, tmp_path):
    """requirements-colab.txt follows pyproject.toml: a dependency added there reaches Colab too."""
    written = [l for l in (release / "requirements-colab.txt").read_text().splitlines() if l and not l.startswith("#")]
    pinned = {l.split("==")[0].lower().replace(".", "-") for l in written}
    for dependency in runtime_dependencies(ROOT):
        name = re.split(r"[=<>!~\[; ]", dependency)[0]
        key = name.lower().replace(".", "-").replace("_", "-")
        assert (key in pinned) != (key in COLAB_PROVIDES), dependency
    for line in written:
        assert line == _constraint(line.split("==")[0]), line
    # A new dependency without a pin in constraints.txt is refused, by name.
    for name in ("pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    pyproject = (tmp_path / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(pyproject.replace('dependencies = [\n', 'dependencies = [\n    "psygnal-extra==1.0",\n', 1))
    with pytest.raises(ReleaseError, match="psygnal-extra"):
        colab_requirements(tmp_path)


@pytest.mark.parametrize("plant, where", [
    ("solution", "README.md"), ("number", "book/extra.md"), ("rubric", "book/intro.md"),
    ("key", "exercises/checks/ex1a-coercion-threshold.yml"), ("set", "exercises/ex1a-coercion-threshold.ipynb"),
    ("hidden", "coursebook/notes.txt"),
])
def test_leak_scan_finds_what_is_planted(release, tmp_path, plant, where):
    """The scanner can fail: each kind of leak, planted in a copy of a clean release, is reported."""
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    answers = nbformat.read(ROOT / "answers" / "ex1a-coercion-threshold.ipynb", as_version=4)
    checks = load_check_file(ROOT / "answers" / "checks" / "ex1a-coercion-threshold.yml")
    if plant == "solution":
        code = next(c.source for c in answers.cells if "### BEGIN SOLUTION" in c.source)
        line = next(l.strip() for l in code.split("### BEGIN SOLUTION")[1].splitlines() if len(l.strip()) >= 10)
        text = f"\nA hint: {line}\n"
    elif plant == "number":
        # 59.60784 written as 59.61: a format the check accepts (tolerance 0.05).
        assert "59.61" in number_formats(59.60784, checks.task("credibility-needed").absolute_tolerance)
        text = "The credibility needed is 59.61 percent.\n"
    elif plant == "rubric":
        rubric = next(c.source for c in answers.cells if "rubric" in c.metadata.get("tags", []))
        # A line that says something (not the "**Rubric (4 points)**" heading).
        text = "\n" + next(l for l in rubric.splitlines() if len(l.split()) >= 6) + "\n"
    elif plant == "key":
        text = (ROOT / "answers" / "checks" / "ex1a-coercion-threshold.yml").read_text()
    elif plant == "hidden":
        hidden = [c.source for nb in sorted((ROOT / "answers").glob("*.ipynb"))
                  for c in nbformat.read(nb, as_version=4).cells if "hidden" in c.metadata.get("tags", [])]
        assert hidden, "the answers have hidden checks to plant"
        text = next(l for src in hidden for l in src.splitlines() if len(l.strip()) >= 10)
    target = copy / where
    if plant == "set":  # ex1a's stock letters of the scenarios out of reach, typed into the notebook
        nb = nbformat.read(target, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell('out_of_reach = ["B", "D"]'))
        nbformat.write(nb, target)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(text)
    leaks = scan(copy, ROOT, check_files=[checks])
    assert leaks and all(leak.file == where for leak in leaks), [str(l) for l in leaks]


def _fresh_git_copy(release: Path, where: Path) -> Path:
    """The release committed and tagged as the publishing workflow does, then cloned: a fresh copy."""
    origin = where / "origin"
    shutil.copytree(release, origin)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=origin, check=True)
    subprocess.run([*git, "add", "--all"], cwd=origin, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "release"], cwd=origin, check=True)
    subprocess.run([*git, "tag", TAG], cwd=origin, check=True)
    clone = where / "clone"
    subprocess.run(["git", "clone", "-q", origin.as_uri(), str(clone)], check=True)
    return clone


def _constraint(name: str) -> str:
    line = next(l for l in (ROOT / "constraints.txt").read_text().splitlines() if l.lower().startswith(name.lower() + "=="))
    return line.strip()


@pytest.mark.release
def test_notebooks_run_on_colab_from_the_set_up_cell_alone(release, tmp_path):
    """A lone notebook, as Colab opens it, in a fresh environment holding only what Colab ships
    (Python, Jupyter's kernel, numpy, matplotlib): the first cell fetches the course from the
    students' repository (here a local clone) at the release tag, installs the package, and every
    cell runs. No file from the instructor's repository is used."""
    clone = _fresh_git_copy(release, tmp_path)
    venv = tmp_path / "colab-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    colab_base = [_constraint(n) for n in ("ipykernel", "nbclient", "numpy", "matplotlib")]
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *colab_base], check=True, timeout=900)
    content = tmp_path / "content"
    notebooks = [p.relative_to(clone).as_posix() for p in [*sorted((clone / "book").glob("*.ipynb")), *sorted((clone / "exercises").glob("*.ipynb"))]]
    assert len(notebooks) >= 12
    for relative in notebooks:   # the first installs, the others find the course in place
        work = tmp_path / "lone" / Path(relative).stem
        work.mkdir(parents=True)
        nb = nbformat.read(clone / relative, as_version=4)
        cell = nb.cells[0]
        cell.source = cell.source.replace(student_repository(ROOT) + ".git", (tmp_path / "origin").as_uri()).replace('"/content/course"', f'"{content}/course"')
        assert str(content) in cell.source
        fake = nbformat.v4.new_code_cell("import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')")
        nb.cells.insert(0, fake)
        nbformat.write(nb, work / "notebook.ipynb")
        script = ("import nbformat, nbclient, sys\n"
                  "nb = nbformat.read('notebook.ipynb', as_version=4)\n"
                  "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': '.'}}).execute()\n"
                  "print(''.join(o.get('text', '') for o in nb.cells[1].outputs))\n"
                  "errors = [o for c in nb.cells for o in c.get('outputs', []) if o.get('output_type') == 'error']\n"
                  "sys.exit(1 if errors else 0)\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "COURSEBOOK"))}
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
        done = subprocess.run([str(python), "-c", script], cwd=work, capture_output=True, text=True, timeout=1800, env=env)
        assert done.returncode == 0, (relative, done.stdout[-3000:], done.stderr[-3000:])
        if relative == notebooks[0]:
            assert "Installing the course's Python package" in done.stdout, done.stdout
        assert f"Ready: working in {content}/course/{Path(relative).parent}" in done.stdout
    # The package came from the release clone, not from this repository.
    where = subprocess.run([str(python), "-c", "import coursebook; print(coursebook.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, check=True)
    assert str(ROOT) not in where.stdout and "colab-venv" in where.stdout


@pytest.mark.release
def test_release_builds_and_tests_itself_with_its_readme_commands(release, tmp_path):
    """A fresh clone of the release runs its README's `make book` and `make test`.

    Its real-browser tier is the same test files as this repository's, which this suite runs
    against the same pages (`make book` here builds the student edition too); run again here it
    was most of this test's time (26 minutes on a busy machine). So the release's `make test` runs every
    other test (its notebooks under nbval included) and collects every browser test, which shows
    that each finds its helpers and fixtures in the release; one browser file then runs against
    the release's own site, through its own vendored scripts and server. The students' repository
    runs its whole suite in its own CI (test.yml) on every push."""
    clone = _fresh_git_copy(release, tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "COURSEBOOK", "PYTEST"))}
    env["CI"] = "true"
    readme = (clone / "README.md").read_text(encoding="utf-8")
    assert "make book" in readme and "make test" in readme
    for command in (["make", "book"], ["make", "test"]):
        done = subprocess.run(command, cwd=clone, env={**env, "PYTEST_ADDOPTS": "-m 'not browser'"},
                              capture_output=True, text=True, timeout=3600)
        assert done.returncode == 0, (command, done.stdout[-4000:], done.stderr[-4000:])
    assert (clone / "_build" / "html" / "exercises" / "ex1a-coercion-threshold.html").exists()
    assert re.search(r"\d+ passed", done.stdout) and " failed" not in done.stdout.splitlines()[-1]
    pytest_in_clone = [str(clone / ".venv" / "bin" / "python"), "-m", "pytest", "-p", "no:randomly"]
    collected = subprocess.run([*pytest_in_clone, "tests/browser", "--collect-only", "-q"], cwd=clone, env=env,
                               capture_output=True, text=True, timeout=600)
    assert collected.returncode == 0, collected.stdout[-4000:] + collected.stderr[-4000:]
    count = int(re.search(r"(\d+) tests? collected", collected.stdout).group(1))
    assert count >= 100, collected.stdout[-2000:]
    browser = subprocess.run([*pytest_in_clone, "tests/browser/test_static_quiz.py"], cwd=clone, env=env,
                             capture_output=True, text=True, timeout=1800)
    assert browser.returncode == 0, browser.stdout[-4000:] + browser.stderr[-4000:]
    assert re.search(r"\d+ passed", browser.stdout) and "skipped" not in browser.stdout.splitlines()[-1]
    page = (clone / "_build" / "html" / "exercises" / "ex1a-coercion-threshold.html").read_text()
    student = student_repository(ROOT)
    assert student in page and "leverage-course/leverage-book/" not in page
    assert f"mybinder.org/v2/gh/{student.split('github.com/')[1]}" in page
    assert f"colab.research.google.com/github/{student.split('github.com/')[1]}" in page


def test_release_command_reports_clearly(tmp_path):
    from click.testing import CliRunner

    from coursebook.book.release import ReleaseError
    from coursebook.cli import main

    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        inside = runner.invoke(main, ["release", "_build/release-here"])
        assert inside.exit_code == 1 and "outside the instructor's repository" in inside.output
        assert inside.exception is None or isinstance(inside.exception, SystemExit)
        shown = runner.invoke(main, ["release", "--print-repository"])
        assert shown.exit_code == 0 and shown.output.strip() == "leverage-course/leverage-book-student"
    finally:
        os.chdir(cwd)
    (tmp_path / "_config.yml").write_text("title: x\n")
    with pytest.raises(ReleaseError, match="student_repository"):
        student_repository(tmp_path)


def test_release_carries_the_fixtures_its_tests_read(release):
    """A fixture folder that a copied test reads must be copied too (the slow test would find out
    only after minutes)."""
    wanted = set()
    for test in (release / "tests").rglob("*.py"):
        source = test.read_text()
        wanted |= set(re.findall(r'"fixtures"\s*/\s*"([\w.-]+)"', source)) | set(re.findall(r"fixtures/([\w.-]+)", source))
    wanted -= {"*"}
    missing = sorted(name for name in wanted if not (release / "tests" / "fixtures" / name).exists())
    assert not missing, f"add tests/fixtures/{missing[0]} to COPIED in coursebook/book/release.py"


def test_colab_cell_is_quiet_and_falls_back_when_the_tag_is_missing(tmp_path, monkeypatch, capsys):
    """The first cell on Colab: git's detached-HEAD advice turned off, and when the release tag is
    not published (a preview, a failed publish) the newest files are used instead of an error."""
    import types

    from coursebook.book.release import colab_cell

    calls = []

    def fake_run(command, **kwargs):
        command = list(command)
        calls.append(command)
        if command[:2] == ["git", "-c"] and "--branch" in command:
            return types.SimpleNamespace(returncode=128, stdout="", stderr="fatal: Remote branch v9 not found")
        if "clone" in command:
            (Path(command[-1]) / "exercises").mkdir(parents=True)
        return types.SimpleNamespace(returncode=0, stdout="", stderr="")

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.chdir(tmp_path)
    cell = colab_cell("https://github.com/o/r", "v9", "exercises", colab_root=str(tmp_path))
    exec(compile(cell.source, "colab-cell", "exec"), {})
    clones = [c for c in calls if "clone" in c]
    assert len(clones) == 2 and "--branch" not in clones[1]
    assert all("advice.detachedHead=false" in c for c in clones)
    out = capsys.readouterr().out
    assert "Release v9 is not published; using the newest course files instead." in out
    assert f"Ready: working in {tmp_path}/course/exercises" in out
    assert [c for c in calls if "pip" in c and "--quiet" in c and "--disable-pip-version-check" in c]


def test_student_environment_is_light_and_resolves(release):
    """`make student-env` (or requirements-student.txt by hand): JupyterLab and the package's runtime
    dependencies, no site builder and no test tools; the pins resolve from the release's root."""
    text = (release / "requirements-student.txt").read_text()
    lines = [l for l in text.splitlines() if l and not l.startswith("#")]
    assert lines[0] == "-c constraints.txt" and any(l.startswith("jupyterlab==") for l in lines)
    for heavy in ("jupyter-book", "pytest", "playwright", "jupyter-repo2docker", "hypothesis", "actionlint"):
        assert not any(l.lower().startswith(heavy) for l in lines), heavy
    assert "student-env:" in (release / "Makefile").read_text() and "make student-env" in (release / "README.md").read_text()
    dry = subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--dry-run", "--quiet", "-r",
                          "requirements-student.txt"], cwd=release, capture_output=True, text=True, timeout=600)
    assert dry.returncode == 0, dry.stderr[-2000:]


def test_release_tag_names_the_content_not_the_commit(tmp_path):
    """Two releases of the same content get the same tag (nothing to publish); the tag follows what
    students get, so it changes when a student file changes."""
    first, second = tmp_path / "one", tmp_path / "two"
    write_release(ROOT, first)
    write_release(ROOT, second)
    tag = (first / "RELEASE").read_text().strip()
    assert tag == (second / "RELEASE").read_text().strip() and re.fullmatch(r"v[\d.]+-[0-9a-f]{10}", tag)
    assert tag in nbformat.read(first / "exercises" / "ex1a-coercion-threshold.ipynb", as_version=4).cells[0].source
    assert "PLACEHOLDER" not in (first / "README.md").read_text()
    changed = tmp_path / "three"

    def edit(folder: Path) -> None:
        with (folder / "checks" / "ex1a-coercion-threshold.json").open("a") as handle:
            handle.write("\n")

    write_release(ROOT, changed, exercises_hook=edit)
    assert (changed / "RELEASE").read_text().strip() != tag
