"""Write the student repository: everything students need, nothing from `answers/`.

`coursebook release DIR` (see cli.py) calls `write_release`. The result is a repository of its own:
the book, the student exercises with their public check files, the package, a README with the two
set-up commands, a student `_config.yml` whose repository is the students' (so Binder, Colab, the
GitHub button and the download links point there), Binder and Colab set-up, its own tests, CI and
Pages workflow. What is copied is listed here, not everything-but-answers: a new instructor-only
file stays out unless someone adds it to this list.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import nbformat
import yaml

TEMPLATES = Path(__file__).with_name("release_files")

# Copied as they are (folders recursively, minus caches). Tests: those that make sense without
# answers/ and without the instructor edition.
COPIED = [
    "book",
    "coursebook",
    "references.bib",
    "constraints.txt",
    "tests/conftest.py",
    "tests/test_layers.py",
    "tests/test_cli.py",
    "tests/vectors.json",
    "tests/js_runtime.py",
    "tests/js_runtime.js",
    "tests/quiz",
    "tests/models",
    "tests/views",
    "tests/export",
    "tests/browser",
    "tests/fixtures/bad_banks",
    "tests/fixtures/export",
    "tests/fixtures/lint",
    "tests/book/test_toc.py",
    "tests/book/test_glossary.py",
    "tests/book/test_workflows.py",
    "tests/classroom/test_public_checks.py",
    "tests/helpers/__init__.py",
    "tests/helpers/bad_banks.py",
    "tests/helpers/hostile.py",
    "tests/helpers/jupyterlab.py",
    "tests/helpers/practice.py",
    "tests/helpers/site.py",
]
NOT_COPIED = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", "_build"}
# Files inside a copied folder that stay out: tests that read answers/ (the grader's real checks),
# and the instructor-only pages (build.py's INSTRUCTOR_ONLY: in the instructor edition only).
LEFT_OUT = {"tests/browser/test_feedback_pages.py", "book/instructors-guide.md"}
# From templates: (template name, path in the release).
FROM_TEMPLATES = [
    ("README.md", "README.md"),
    ("Makefile", "Makefile"),
    ("ci_run", ".ci/run"),
    ("test.yml", ".github/workflows/test.yml"),
    ("deploy.yml", ".github/workflows/deploy.yml"),
    ("gitignore", ".gitignore"),
    ("binder_requirements.txt", "binder/requirements.txt"),
    ("runtime.txt", "binder/runtime.txt"),
]
# The package's runtime dependencies (pyproject.toml) that the Colab cell does not install: what
# Colab already ships (its Jupyter kernel, nbformat, matplotlib; reinstalling them would disturb
# Colab's own Jupyter) and the site builder. Every other dependency is installed, so a new one
# reaches Colab without anyone editing this file.
# What Colab already has. One string, never a quoted name: the Gradescope zip test reads a quoted
# nbformat key in the wheel as a notebook that leaked into it.
COLAB_PROVIDES = frozenset("ipykernel nbformat nbclient matplotlib jupyter-book".split())  # noqa: SIM905
COLAB_TAG = "colab-setup"


class ReleaseError(ValueError):
    pass


def student_repository(root: Path) -> str:
    """The students' repository URL, named once in the instructor's `_config.yml`."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    url = (config.get("coursebook") or {}).get("student_repository")
    if not url or not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ReleaseError(
            f"{root / '_config.yml'}: set `coursebook: student_repository:` to the students' "
            "repository, like https://github.com/<owner>/<name>"
        )
    return url


def site_url(repository: str) -> str:
    owner, name = repository.rstrip("/").split("/")[-2:]
    return f"https://{owner.lower()}.github.io/{name}/"


def package_version(root: Path) -> str:
    match = re.search(
        r'^version = "([^"]+)"', (root / "pyproject.toml").read_text(encoding="utf-8"), re.M
    )
    if not match:
        raise ReleaseError(f'{root / "pyproject.toml"}: no `version = "..."`')
    return match.group(1)


PLACEHOLDER = "v0.0.0-RELEASE-TAG-PLACEHOLDER"


def release_tag(root: Path, content: str = "") -> str:
    """`v<package version>-<content hash>`: the tag the Colab cell installs. Named by what students
    get, not by the instructor's commit, so a change that students do not see (a rubric, a test)
    gives the same tag and the publishing workflow has nothing to push."""
    version = package_version(root)
    return f"v{version}-{content[:10]}" if content else f"v{version}"


def content_hash(dest: Path) -> str:
    """SHA-256 over the release's files (paths and bytes), `.git` aside."""
    digest = hashlib.sha256()
    for path in sorted(
        p for p in dest.rglob("*") if p.is_file() and ".git" not in p.relative_to(dest).parts
    ):
        digest.update(
            path.relative_to(dest).as_posix().encode() + b"\0" + path.read_bytes() + b"\0"
        )
    return digest.hexdigest()


def _stamp(dest: Path, tag: str) -> None:
    """Put the tag where the placeholder stands (README, RELEASE, the Colab cells)."""
    for path in [dest / "README.md", dest / "RELEASE", *dest.glob("*/*.ipynb")]:
        text = path.read_text(encoding="utf-8")
        if PLACEHOLDER in text:
            path.write_text(text.replace(PLACEHOLDER, tag), encoding="utf-8")


def _clear(dest: Path) -> None:
    """Empty `dest` except its `.git` (the publishing workflow checks the student repository out
    here)."""
    if dest.exists() and not dest.is_dir():
        raise ReleaseError(f"{dest} is a file, not a folder")
    dest.mkdir(parents=True, exist_ok=True)
    for child in dest.iterdir():
        if child.name == ".git":
            continue
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def _copy(root: Path, dest: Path, relative: str) -> None:
    source = root / relative
    if not source.exists():
        raise ReleaseError(f"{source} is missing: the release needs it")
    target = dest / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():

        def ignore(folder: str, names: list[str]) -> set[str]:
            here = Path(folder).relative_to(root).as_posix()
            return {n for n in names if n in NOT_COPIED or f"{here}/{n}" in LEFT_OUT}

        shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def release_allow(root: Path) -> list[str]:
    """Binary files (glob patterns) the instructor allows in the release:
    `coursebook: release_allow:`."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    allowed = (config.get("coursebook") or {}).get("release_allow") or []
    if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
        raise ReleaseError(
            f"{root / '_config.yml'}: `coursebook: release_allow:` must be a list of paths"
        )
    return allowed


def student_toc(root: Path) -> str:
    """The instructor's `_toc.yml` without the instructor-only pages (they are not copied)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    left_out = {Path(p).with_suffix("").as_posix() for p in LEFT_OUT if p.startswith("book/")}
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part.get("chapters", []) if c.get("file") not in left_out]
    toc["parts"] = [part for part in toc.get("parts", []) if part["chapters"]]
    return (
        "# The student edition's contents, written by `coursebook release` from the instructor's.\n"
        + yaml.safe_dump(toc, sort_keys=False, allow_unicode=True)
    )


def _unlink_left_out_pages(dest: Path) -> None:
    """A page's link to an instructor-only page becomes plain text (the page is not in the
    release)."""
    names = "|".join(re.escape(Path(p).stem) for p in LEFT_OUT if p.startswith("book/"))
    link = re.compile(rf"\{{doc\}}`([^`<]+?)\s*<(?:\.\./book/|/book/)?(?:{names})>`")
    for path in [*(dest / "book").rglob("*.md"), *(dest / "book").rglob("*.ipynb")]:
        text = path.read_text(encoding="utf-8")
        if link.search(text):
            path.write_text(link.sub(lambda m: m.group(1), text), encoding="utf-8")


def student_config(root: Path, repository: str) -> str:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config.pop("coursebook", None)
    config["repository"] = {**config.get("repository", {}), "url": repository, "branch": "main"}
    config["exclude_patterns"] = [
        p for p in config.get("exclude_patterns", []) if "answers" not in p
    ]
    header = (
        "# Jupyter Book 1 configuration of the student edition, written by `coursebook release`.\n"
        "# The repository below is this one: "
        "Binder, Colab, the GitHub button and downloads point here.\n"
    )
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)


def _name(requirement: str) -> str:
    """The normalised project name of a requirement line
    (`ruamel.yaml==0.19.1` -> `ruamel-yaml`)."""
    return re.sub(
        r"[-_.]+", "-", re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0]
    ).lower()


def runtime_dependencies(root: Path) -> list[str]:
    """The `[project] dependencies` of pyproject.toml, as written there (exact pins)."""
    with (root / "pyproject.toml").open("rb") as handle:
        return list(tomllib.load(handle)["project"]["dependencies"])


def colab_requirements(root: Path) -> str:
    """pyproject's runtime dependencies minus what Colab provides, each at its constraints.txt
    pin."""
    pins = {}
    for line in (root / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            pins[_name(line)] = line.split("#", 1)[0].strip()
    wanted = [_name(d) for d in runtime_dependencies(root) if _name(d) not in COLAB_PROVIDES]
    missing = [name for name in wanted if name not in pins]
    if missing:
        raise ReleaseError(
            f"{root / 'constraints.txt'} pins no version of {', '.join(missing)} "
            "(a runtime dependency in pyproject.toml)"
        )
    return (
        "# Installed by the first cell of every notebook on Google Colab, "
        "before the package itself\n"
        "# (which is installed without its own dependencies, "
        "so Colab's Jupyter is left as it is).\n"
        "# Written by `coursebook release` "
        "from pyproject.toml's dependencies at constraints.txt's pins.\n"
        + "\n".join(pins[name] for name in wanted)
        + "\n"
    )


STUDENT_LEAVES_OUT = {"jupyter-book"}  # the site builder: students read the site instead
STUDENT_ADDS = ["jupyterlab"]


def student_requirements(root: Path) -> str:
    """A light environment for students (no site builder, no test tools), any OS: the runtime
    dependencies at constraints.txt's pins, plus JupyterLab; the package itself without deps."""
    pins = {}
    for line in (root / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            pins[_name(line)] = line.split("#", 1)[0].strip()
    wanted = [
        _name(d) for d in runtime_dependencies(root) if _name(d) not in STUDENT_LEAVES_OUT
    ] + STUDENT_ADDS
    missing = [name for name in wanted if name not in pins]
    if missing:
        raise ReleaseError(f"{root / 'constraints.txt'} pins no version of {', '.join(missing)}")
    return (
        "# A light environment for working on the chapters and exercises: the course package's\n"
        "# runtime dependencies without the site builder or the test tools, plus JupyterLab.\n"
        "# `make student-env` runs these steps; by hand, on any system with Python 3.11:\n"
        "#   python3.11 -m venv .venv        (Windows: py -3.11 -m venv .venv)\n"
        "#   .venv/bin/python -m pip install -r requirements-student.txt\n"
        "#   .venv/bin/python -m pip install --no-deps .\n"
        "#   .venv/bin/jupyter lab           (Windows: .venv\\Scripts\\ instead of .venv/bin/)\n"
        "# Written by `coursebook release` "
        "from pyproject.toml's dependencies at constraints.txt's pins.\n"
        "-c constraints.txt\n" + "\n".join(pins[name] for name in wanted) + "\n"
    )


def colab_cell(repository: str, version: str, folder: str, colab_root: str = "/content"):
    source = (
        (TEMPLATES / "colab_cell.py")
        .read_text(encoding="utf-8")
        .format(
            repository=repository + ".git", version=version, folder=folder, colab_root=colab_root
        )
        .rstrip("\n")
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["remove-cell", COLAB_TAG]  # not shown on the site
    cell["id"] = COLAB_TAG
    return cell


def add_colab_cell(path: Path, repository: str, version: str) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if COLAB_TAG not in c.metadata.get("tags", [])]
    nb.cells.insert(0, colab_cell(repository, version, path.parent.name))
    nbformat.write(nb, path)


def _student_pyproject(root: Path) -> str:
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    return text.replace(
        'testpaths = ["tests", "book", "exercises", "answers"]',
        'testpaths = ["tests", "book", "exercises"]',
    )


def _vendor_versions_of(root: Path, makefile: str) -> str:
    """The release's Makefile fetches the same MathJax, axe-core and gift-pegjs as the
    instructor's."""
    source = (root / "Makefile").read_text(encoding="utf-8")
    for name in re.findall(r"^(\w+_VERSION)\s*:=", makefile, re.M):
        pinned = re.search(rf"^{name}\s*:=\s*(\S+)", source, re.M)
        if not pinned:
            raise ReleaseError(
                f"{root / 'Makefile'}: no `{name} := ...` for the release's Makefile"
            )
        version = pinned.group(1).replace("\\", r"\\")  # a replacement string: no group references
        makefile = re.sub(rf"^({name}\s*:=\s*)\S+", r"\g<1>" + version, makefile, flags=re.M)
    return makefile


def check_destination(root: Path, dest: Path) -> None:
    root, dest = Path(root).resolve(), Path(dest).resolve()
    if dest == root or root in dest.parents:
        raise ReleaseError(f"{dest}: write the release outside the instructor's repository")


def write_release(
    root: Path,
    dest: Path,
    repository: str | None = None,
    version: str | None = None,
    exercises_hook: Callable[[Path], object] | None = None,
) -> list[Path]:
    """Write the student repository into `dest` (emptied first, `.git` kept); the files written.
    `exercises_hook(folder)` may rewrite the copied exercises (a course's own values, see
    classroom/variants.py) before the Colab cell is added."""
    root, dest = Path(root).resolve(), Path(dest).resolve()
    check_destination(root, dest)
    repository = repository or student_repository(root)
    stamp_later = version is None
    version = version or PLACEHOLDER
    _clear(dest)
    for relative in COPIED:
        _copy(root, dest, relative)
    exercises = dest / "exercises"
    exercises.mkdir()
    for notebook in sorted((root / "exercises").glob("*.ipynb")):
        shutil.copy2(notebook, exercises / notebook.name)
    (exercises / "checks").mkdir()
    for public in sorted((root / "exercises" / "checks").glob("*.json")):
        shutil.copy2(public, exercises / "checks" / public.name)
    if exercises_hook is not None:
        exercises_hook(exercises)
    values = {"version": version, "repository": repository, "site_url": site_url(repository)}
    for template, relative in FROM_TEMPLATES:
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        text = (TEMPLATES / template).read_text(encoding="utf-8")
        if template == "README.md":
            text = text.replace("{version}", version).replace("{site_url}", values["site_url"])
        if template == "Makefile":
            text = _vendor_versions_of(root, text)
        target.write_text(text, encoding="utf-8")
    (dest / ".ci" / "run").chmod(0o755)
    (dest / "_config.yml").write_text(student_config(root, repository), encoding="utf-8")
    (dest / "_toc.yml").write_text(student_toc(root), encoding="utf-8")
    _unlink_left_out_pages(dest)
    (dest / "pyproject.toml").write_text(_student_pyproject(root), encoding="utf-8")
    (dest / "requirements-colab.txt").write_text(colab_requirements(root), encoding="utf-8")
    (dest / "requirements-student.txt").write_text(student_requirements(root), encoding="utf-8")
    (dest / "RELEASE").write_text(f"{version}\n", encoding="utf-8")
    for notebook in [*sorted((dest / "book").glob("*.ipynb")), *sorted(exercises.glob("*.ipynb"))]:
        add_colab_cell(notebook, repository, version)
    if stamp_later:
        _stamp(dest, release_tag(root, content_hash(dest)))
    return sorted(
        p for p in dest.rglob("*") if p.is_file() and ".git" not in p.relative_to(dest).parts
    )
