"""Every page under book/ is in _toc.yml, and every entry of _toc.yml exists; the instructor
edition's contents are derived from _toc.yml, so there is no second list to keep in step."""

import yaml

from coursebook.book.build import ANSWERS_CAPTION, instructor_toc, write_instructor_toc

from tests.conftest import ROOT


def toc_entries():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                entries.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc.get("parts", []))
    return entries


def pages():
    found = set()
    for path in (ROOT / "book").rglob("*"):
        if path.suffix in (".md", ".ipynb") and not path.name.startswith("_") and ".ipynb_checkpoints" not in path.parts:
            found.add(path.relative_to(ROOT).with_suffix("").as_posix())
    return found


def test_every_entry_exists():
    missing = [e for e in toc_entries() if not any((ROOT / f"{e}{s}").exists() for s in (".md", ".ipynb"))]
    assert not missing, f"_toc.yml lists pages that do not exist: {missing}"


def test_every_page_is_listed():
    unlisted = sorted(pages() - set(toc_entries()))
    assert not unlisted, f"pages missing from _toc.yml: {unlisted} (fragments start with an underscore)"


def test_instructor_edition_is_the_student_edition_plus_answers(tmp_path):
    student = yaml.safe_load((ROOT / "_toc.yml").read_text())
    (tmp_path / "_toc.yml").write_text((ROOT / "_toc.yml").read_text())
    written = write_instructor_toc(tmp_path)
    instructor = yaml.safe_load(written.read_text())
    assert instructor == instructor_toc(student)
    assert written.read_text().startswith("# Generated from _toc.yml")
    answers = [part for part in instructor["parts"] if part["caption"] == ANSWERS_CAPTION]
    assert [p for p in instructor["parts"] if p not in answers] == student["parts"]
    exercises = next(p for p in student["parts"] if p["caption"] == "Exercises")
    notebooks = [c for c in exercises["chapters"] if c["file"].startswith("exercises/")]
    assert [c["file"].replace("exercises/", "answers/") for c in notebooks] == [c["file"] for c in answers[0]["chapters"]]
    assert sorted(c["file"] for c in notebooks) == sorted(
        f"exercises/{p.stem}" for p in (ROOT / "exercises").glob("*.ipynb"))


def test_a_page_added_to_toc_reaches_both_editions():
    student = yaml.safe_load((ROOT / "_toc.yml").read_text())
    student["parts"][0]["chapters"].append({"file": "book/my-week"})
    student["parts"][1]["chapters"].append({"file": "exercises/ex9-new"})
    instructor = instructor_toc(student)
    files = [c["file"] for part in instructor["parts"] for c in part["chapters"]]
    assert "book/my-week" in files and "exercises/ex9-new" in files and "answers/ex9-new" in files
    assert not (ROOT / "_toc_instructor.yml").exists(), "the instructor contents are generated into _build/"
