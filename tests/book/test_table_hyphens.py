"""Soft hyphens in table cells (coursebook/book/table_hyphens.py)."""

from coursebook.book.table_hyphens import SOFT_HYPHEN, soft_hyphens


def test_long_words_in_cells_get_soft_hyphens_and_nothing_else_changes():
    body = ('<p>constituencies</p><table><tr><th class="head">Dimension</th>'
            '<th>a</th><th>b</th><th>c</th></tr>'
            '<tr><td><p>Domestic constituencies <code class="literal">compliance_cost</code> '
            '<span class="math notranslate nohighlight">\\(\\text{vulnerability}\\)</span> 2021 '
            '<a href="x">link</a></p></td></tr></table>')
    out = soft_hyphens(body)
    assert out.replace(SOFT_HYPHEN, "") == body  # only soft hyphens are added
    assert "<p>constituencies</p>" in out  # prose outside tables is left to the browser
    assert f"con{SOFT_HYPHEN}stitu" in out and SOFT_HYPHEN in out.split("</th>")[0]
    assert "compliance_cost" in out and "\\text{vulnerability}" in out  # code and maths untouched
    assert SOFT_HYPHEN in out.split("<td>")[1].split("<code")[0]
    assert 'class="head"' in out


def test_short_words_and_narrow_tables_are_left_whole():
    wide = "<table><tr><td>the Taliban and Pakistan</td><td>a</td><td>b</td><td>c</td></tr></table>"
    assert soft_hyphens(wide) == wide
    narrow = ("<table><tr><th>Dimension</th><th>Western governments</th>"
              "<th>Pakistan</th></tr></table>")
    assert soft_hyphens(narrow) == narrow
