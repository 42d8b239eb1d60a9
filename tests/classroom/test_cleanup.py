"""Removing the grader's folders: small ones in-process, anything else by `rm`; never a link
followed, never a recursion."""

import os
from pathlib import Path

from coursebook.classroom.grader import cleanup
from coursebook.classroom.grader.cleanup import remove_small, remove_tree
from tests.helpers.trees import nest


def _sandbox_like(root: Path) -> Path:
    """The shape of a sandbox's folder on the host: a few folders, files and a link."""
    (root / "work" / "checks").mkdir(parents=True)
    (root / "work" / "checks" / "ex.json").write_text("{}")
    (root / "work" / "submission.ipynb").write_text("{}")
    (root / "kernels" / "k").mkdir(parents=True)
    (root / "kernels" / "k" / "kernel.json").write_text("{}")
    (root / "c").mkdir()
    os.symlink("/proc/self/fd/3", root / "c" / "socket")
    return root


def test_a_small_tree_goes_without_starting_rm(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(cleanup, "_run", lambda *argv: started.append(argv))
    root = _sandbox_like(tmp_path / "box")
    assert remove_tree(root)
    assert not root.exists() and started == []


def test_links_are_removed_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("the instructor's")
    root = tmp_path / "box"
    (root / "sub").mkdir(parents=True)
    os.symlink(outside, root / "sub" / "to-outside")
    os.symlink(outside / "keep.txt", root / "file-link")
    assert remove_small(root)
    assert not root.exists()
    assert (outside / "keep.txt").read_text() == "the instructor's"
    link = tmp_path / "top-link"
    os.symlink(outside, link)
    assert remove_small(link)  # the link itself, not the folder it names
    assert not os.path.lexists(link) and (outside / "keep.txt").exists()


def test_a_large_or_deep_tree_is_left_to_rm(tmp_path):
    wide = tmp_path / "wide"
    wide.mkdir()
    for index in range(cleanup.SMALL + 1):
        (wide / f"f{index}").write_text("")
    assert not remove_small(wide)
    assert wide.exists()  # nothing half-removed: the walk stops before removing anything
    assert remove_tree(wide) and not wide.exists()
    deep = tmp_path / "deep"
    deep.mkdir()
    # deeper than Python's recursion limit and than PATH_MAX: made one level at a time, each
    # relative to the last (as a submission would)
    nest(deep, 1500)
    assert not remove_small(deep)
    assert remove_tree(deep) and not deep.exists()


def test_a_missing_path_is_not_an_error(tmp_path):
    assert remove_small(tmp_path / "gone") is False
    assert remove_tree(tmp_path / "gone")
