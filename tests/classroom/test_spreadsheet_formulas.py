"""Every CSV the grader writes, opened by LibreOffice Calc as a user would, with ',' and with ';' as the
separator (Excel's list separator in most European locales), formulas evaluated: no cell is a formula.

The hostile text is the grader audit's A9 (an essay `Exposure is sensitivity;=1+1;=2*21`, file names
`x;=3+3.ipynb`, `a;=5+5_123_456_...`, `b;=6+6_777_assignsubmission_file_...`), plus OWASP's classics.
"""

import shutil
import subprocess
from datetime import datetime

import pytest

from coursebook.classroom.exercise.checks import load_check_file
from coursebook.classroom.grader.collect import Submission, identify, result_key
from coursebook.classroom.grader.results import Status, SubmissionResult, TaskResult, Verdict
from coursebook.classroom.grader.writers import Row, write_canvas, write_gradebook, write_moodle
from tests.conftest import ROOT

CHECKS = load_check_file(
    ROOT / "tests" / "fixtures" / "grading" / "answers" / "checks" / "ex0-fixture.yml"
)
ESSAYS = [
    "Exposure is sensitivity;=1+1;=2*21",
    "ends with a formula;=3+3;",
    "tab\t=4+4",
    "pipe|=5+5",
    '=HYPERLINK("http://example.invalid";"x")',
    "- a list item\n-1-1\n=6+6",
    "spaced; =7+7",
    "@SUM(1;2)",
]
SOURCES = [
    "x;=3+3.ipynb",
    "a;=5+5_123_456_ex0.ipynb",
    "b;=6+6_777_assignsubmission_file_ex0.ipynb",
    "c;=8+8;_124_457_ex0.ipynb",
    "=9+9;_125_458_ex0.ipynb",
    "Eve;=1+1_130_assignsubmission_file_/ex0.ipynb",
]


def hostile_rows():
    rows = []
    for index, source in enumerate(SOURCES + [f"essay-{n}.ipynb" for n in range(len(ESSAYS))]):
        tasks = {t.id: TaskResult(t.points, t.points, Verdict.CORRECT) for t in CHECKS.tasks}
        essay = ESSAYS[index % len(ESSAYS)]
        result = SubmissionResult(
            student="", source=source, status=Status.OK, tasks=tasks, written_response=essay
        )
        rows.append(
            Row(
                Submission(key=result_key(source), source=source, path=None, **identify(source)),
                result,
            )
        )
    return rows


@pytest.fixture(scope="module")
def csv_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    rows = hostile_rows()
    write_gradebook(rows, CHECKS, 4, folder / "gradebook.csv")
    write_canvas(rows, "Exercise 0;=1+1 (4242)", folder / "canvas-grades.csv")
    write_moodle(rows, 9, folder / "moodle-grading-worksheet.csv", now=datetime(2026, 12, 1, 9, 0))
    return folder


@pytest.mark.parametrize("separator", [44, 59, 9])
@pytest.mark.parametrize("trim", ["false", "true"])
def test_libreoffice_finds_no_formula_in_any_file(csv_files, tmp_path, separator, trim):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice Calc is needed (.ci/run installs libreoffice-calc-nogui)"
    # CSV filter tokens: separator, text delimiter ("), UTF-8 (76), first line 1, standard cell format,
    # language, quoted field as text, detect special numbers, -, -, trim spaces, -, evaluate formulas.
    options = f"CSV:{separator},34,76,1,,0,false,true,false,false,{trim},-1,true"
    out = tmp_path / "out"
    files = sorted(csv_files.glob("*.csv"))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            f"--infilter={options}",
            "--convert-to",
            "fods",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    converted = sorted(out.glob("*.fods"))
    assert [p.stem for p in converted] == [p.stem for p in files]
    for path in converted:
        document = path.read_text(encoding="utf-8")
        assert "table:formula=" not in document, path.name
        assert (
            "Exposure is sensitivity" in document or path.stem != "gradebook"
        )  # the essay is there, as text
