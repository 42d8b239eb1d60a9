"""In Jupyter, quiz() on a broken bank shows the bank's problems, the same lines check-banks prints,
and no traceback through the package; a broken sibling bank does not stop a good one from showing."""

import nbformat
import pytest
from nbclient import NotebookClient

from coursebook.errors import BankError
from coursebook.quiz.bank import get_bank
from tests.helpers.bad_banks import BAD

FOLDER = BAD / "one_broken"  # demo.yml (valid) and unknown-key.yml (broken)


@pytest.fixture(scope="module")
def outputs():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in (
        f"import os; os.environ['COURSEBOOK_BANKS'] = {str(FOLDER)!r}\nfrom coursebook import quiz",
        'quiz("unknown-key")',
        'quiz("demo")',
    )]
    NotebookClient(notebook, timeout=120, allow_errors=True, kernel_name="python3").execute()
    return [cell.outputs for cell in notebook.cells]


def test_a_broken_bank_shows_its_problems_without_a_traceback(outputs):
    (error,) = [out for out in outputs[1] if out.output_type == "error"]
    with pytest.raises(BankError) as raised:
        get_bank("unknown-key", FOLDER)  # in this process, as check-banks would show it
    shown = "\n".join(error.traceback)
    assert error.ename == "BankError"
    assert shown == f"BankError: {raised.value}"  # exactly the check-banks lines, nothing else
    assert "  tests/fixtures/bad_banks/one_broken/unknown-key.yml:9:5: question 'q-typo': unknown key `feedbak`; did you mean `feedback`?" in shown
    assert "Traceback" not in shown and "bank.py" not in shown and "display.py" not in shown


def test_the_good_bank_beside_it_still_shows(outputs):
    assert not [out for out in outputs[2] if out.output_type == "error"]
    assert any("text/html" in out.get("data", {}) for out in outputs[2])
