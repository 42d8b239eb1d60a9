"""The trees of hard links the sandbox binds the interpreter and packages from (A18)."""

import json
import os

from coursebook.classroom.grader import runtime_copy


def source_tree(tmp_path):
    source = tmp_path / "home" / "instructor" / "venv"
    (source / "lib" / "python3.11" / "site-packages" / "big").mkdir(parents=True)
    (source / "lib" / "python3.11" / "os.py").write_text("# stdlib\n")
    (source / "lib" / "python3.11" / "site-packages" / "big" / "x.py").write_text("x = 1\n")
    (source / "bin").mkdir()
    (source / "bin" / "python").write_text("#!\n")
    return source


def test_a_tree_is_made_once_reused_and_made_again_when_its_source_changes(tmp_path, monkeypatch):
    place = tmp_path / "place"
    place.mkdir()
    monkeypatch.setattr(runtime_copy, "_places", lambda: [place])
    source = source_tree(tmp_path)
    tree = runtime_copy.neutral_tree(source, ("lib/python3.11/site-packages",))
    assert tree is not None and str(source) not in str(tree) and tree.parent.parent == place
    assert (tree / "lib" / "python3.11" / "os.py").stat().st_ino == (
        source / "lib" / "python3.11" / "os.py").stat().st_ino  # a link, not a copy
    assert list((tree / "lib" / "python3.11" / "site-packages").iterdir()) == []  # left out
    assert runtime_copy.neutral_tree(source, ("lib/python3.11/site-packages",)) == tree
    (source / "bin" / "python3").write_text("#!\n")  # an install changes the top of the tree
    again = runtime_copy.neutral_tree(source, ("lib/python3.11/site-packages",))
    assert again is not None and again != tree and (again / "bin" / "python3").exists()


def test_a_small_tree_follows_every_file(tmp_path, monkeypatch):
    place = tmp_path / "place"
    place.mkdir()
    monkeypatch.setattr(runtime_copy, "_places", lambda: [place])
    package = tmp_path / "project" / "coursebook"
    (package / "grader").mkdir(parents=True)
    (package / "grader" / "run.py").write_text("a = 1\n")
    tree = runtime_copy.neutral_tree(package, deep=True)
    (package / "grader" / "run.py.new").write_text("a = 2\n")
    os.replace(package / "grader" / "run.py.new", package / "grader" / "run.py")  # an editor's save
    again = runtime_copy.neutral_tree(package, deep=True)
    assert again != tree and (again / "grader" / "run.py").read_text() == "a = 2\n"


def test_a_tree_someone_else_could_change_is_never_used(tmp_path, monkeypatch):
    place = tmp_path / "place"
    place.mkdir()
    monkeypatch.setattr(runtime_copy, "_places", lambda: [place])
    source = source_tree(tmp_path)
    tree = runtime_copy.neutral_tree(source)
    assert tree is not None
    os.chmod(tree.parent, 0o777)  # as if another user had made it, writable by all
    (tree / "bin" / "evil").write_text("planted\n")
    again = runtime_copy.neutral_tree(source)
    assert again is None or not (again / "bin" / "evil").exists()


def test_no_tree_where_links_cannot_be_made(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime_copy, "_places", lambda: [])  # no folder on the source's disk
    assert runtime_copy.neutral_tree(source_tree(tmp_path)) is None


def test_public_digests_are_made_once_for_every_process_and_only_in_a_folder_of_ours(
        tmp_path, monkeypatch):
    """The scrypt digests of a public check file are kept on disk: a second process (the
    in-process cache cleared) reads them instead of hashing again; a changed answer is hashed anew;
    a spoiled file is made again; a folder another user could write in is never used."""
    import tempfile

    from coursebook.classroom.exercise import fingerprints
    from coursebook.classroom.exercise.task import Task

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = []
    real = fingerprints._make_public_entry
    monkeypatch.setattr(fingerprints, "_make_public_entry", lambda *a: made.append(a) or real(*a))
    task = Task(id="t", variable="x", kind="number", answer=0.25, points=1)
    cheap = {"n": 2, "r": 1, "p": 1}

    def entry(task):
        fingerprints._public_entry.cache_clear()  # as in another process
        return fingerprints.public_entry("ex", task, cheap)

    first = entry(task)
    assert entry(task) == first and len(made) == 1
    assert first == json.loads(real("ex", task.model_dump_json(), json.dumps(cheap), "stock"))
    changed = task.model_copy(update={"answer": 0.5})
    assert entry(changed)["accept"] != first["accept"] and len(made) == 2
    (kept,) = [p for p in (tmp_path / f"cb-runtime-{os.geteuid()}-digests").iterdir()
               if json.loads(p.read_text()) == first]
    kept.write_text("{not json")
    assert entry(task) == first and len(made) == 3 and json.loads(kept.read_text()) == first
    os.chmod(kept.parent, 0o777)  # anyone may write here now: not used, nothing read or kept
    kept.write_text(json.dumps({**first, "accept": ["planted"]}))
    assert entry(task) == first and len(made) == 4
