"""A broken bank stops the build before anything runs, with every problem at the top of the output
(file:line:column, question, fix) and the pages that use each broken bank, never a traceback."""

import shutil
import subprocess
import sys

import nbformat
import pytest

from coursebook.book.build import check_banks_before_building, pages_using_banks
from coursebook.errors import BuildFailed
from tests.conftest import ROOT

BAD = ROOT / "tests" / "fixtures" / "bad_banks"


@pytest.fixture
def book(tmp_path):
    """A tiny book: a good bank and two broken ones, and the pages that show them."""
    quizzes = tmp_path / "book" / "quizzes"
    quizzes.mkdir(parents=True)
    shutil.copy(ROOT / "book" / "quizzes" / "demo.yml", quizzes)
    shutil.copy(BAD / "invalid-yaml.yml", quizzes)
    shutil.copy(BAD / "duplicate-id-same-file.yml", quizzes)
    for name, banks in (("ch1", ["invalid-yaml", "demo"]), ("ch2", ["invalid-yaml"]), ("ch3", ["demo"])):
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [nbformat.v4.new_code_cell(f'from coursebook import quiz\nquiz("{bank}")') for bank in banks]
        nbformat.write(notebook, tmp_path / "book" / f"{name}.ipynb")
    (tmp_path / "book" / "guide.md").write_text('```python\nquiz("duplicate-id-same-file")\n```\n')  # an example, not run
    return tmp_path


def test_pages_that_use_each_bank(book):
    assert pages_using_banks(book) == {"invalid-yaml": ["book/ch1.ipynb", "book/ch2.ipynb"],
                                       "demo": ["book/ch1.ipynb", "book/ch3.ipynb"]}


def test_every_problem_and_the_pages_using_the_bank(book):
    with pytest.raises(BuildFailed) as raised:
        check_banks_before_building(book)
    lines = str(raised.value).splitlines()
    assert lines[0] == "2 problems in the question banks; the book was not built:"
    assert lines[1].startswith("  book/quizzes/duplicate-id-same-file.yml:9:9: question 'q-copied': duplicate question id")
    assert lines[2].startswith("  book/quizzes/invalid-yaml.yml:6:18: question 'q-yaml': quote this text: it contains `: `")
    assert lines[3] == "Pages that use the broken banks:"
    assert "  duplicate-id-same-file: none (no page calls quiz() on it)" in lines
    assert "  invalid-yaml: book/ch1.ipynb, book/ch2.ipynb" in lines


def test_the_build_command_reports_it_first_without_a_traceback(book):
    done = subprocess.run([sys.executable, "-m", "coursebook", "build"], cwd=book, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("error: 2 problems in the question banks; the book was not built:\n")
    assert "Traceback" not in done.stderr and "invalid-yaml: book/ch1.ipynb, book/ch2.ipynb" in done.stderr
    assert not (book / "_build" / "html").exists()  # nothing ran


def test_a_failed_page_keeps_every_line_of_a_bank_error(tmp_path):
    from coursebook.book.build import _describe_failure

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell('quiz("my-week")')]
    (tmp_path / "book").mkdir()
    nbformat.write(notebook, tmp_path / "book" / "my-week.ipynb")
    report = tmp_path / "_build" / "html" / "reports" / "book" / "my-week.err.log"
    report.parent.mkdir(parents=True)
    report.write_text("An error occurred while executing the following cell:\n------------------\nquiz(\"my-week\")\n"
                      "------------------\n\nBankError: 2 problems in question banks:\n"
                      "  book/quizzes/my-week.yml:6:18: question 'mw-order': quote this text\n"
                      "  book/quizzes/my-week.yml:9:5: question 'mw-terms': unknown key `feedbak`\n\n")
    message = _describe_failure(tmp_path, tmp_path / "_build" / "html", report)
    assert "book/my-week.ipynb: cell 1 failed: BankError: 2 problems in question banks:" in message
    assert "my-week.yml:6:18: question 'mw-order'" in message and "my-week.yml:9:5: question 'mw-terms'" in message
