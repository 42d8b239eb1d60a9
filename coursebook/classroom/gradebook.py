"""Grade a class: many submissions in parallel, resumable, into a CSV gradebook and feedback pages."""

from __future__ import annotations

import csv
import html
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .checks import CheckFile
from .grader.legacy import Limits, SubmissionResult, grade_submission, result_from_json, result_to_json, student_id
from ..quiz.markup import to_html


def collect_submissions(source: Path, unpack_to: Path) -> list[Path]:
    """Notebooks in a folder, or inside a zip as an LMS exports it (unpacked safely, flat)."""
    if source.is_dir():
        return sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith("."))
    if zipfile.is_zipfile(source):
        unpack_to.mkdir(parents=True, exist_ok=True)
        found = []
        with zipfile.ZipFile(source) as archive:
            for member in archive.infolist():
                name = Path(member.filename).name  # flat: no paths from the archive are trusted
                if member.is_dir() or not name or name.startswith(".") or "__MACOSX" in member.filename:
                    continue
                target = unpack_to / name
                for copy in range(2, 10_000):  # two members with one name must not overwrite each other
                    if target not in found:
                        break
                    target = unpack_to / f"{Path(name).stem}-{copy}{Path(name).suffix}"
                target.write_bytes(archive.read(member))
                found.append(target)
        return sorted(found)
    raise ValueError(f"{source} is neither a folder nor a zip file")


def _result_path(results_dir: Path, submission: Path) -> Path:
    return results_dir / f"{student_id(submission)}.json"


def grade_all(submissions: list[Path], checks: CheckFile, out_dir: Path, *, jobs: int = 1, force: bool = False,
              limits: Limits = Limits(), rubric: str = "", progress: bool = True) -> list[SubmissionResult]:
    """Grade every submission (skipping those already graded unless `force`), then write outputs.

    Each finished result is saved at once in `out_dir/results/`, so a crash half-way loses nothing.
    """
    from tqdm import tqdm

    results_dir = out_dir / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    todo = [s for s in submissions if force or not _result_path(results_dir, s).exists()]
    with tqdm(total=len(todo), desc="grading", unit="submission", disable=not progress) as bar:
        if jobs <= 1:
            for submission in todo:
                _save(results_dir, submission, grade_submission(submission, checks, limits))
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                futures = {pool.submit(grade_submission, s, checks, limits): s for s in todo}
                for future in as_completed(futures):
                    _save(results_dir, futures[future], future.result())
                    bar.update()
    results = [result_from_json(_result_path(results_dir, s).read_text(encoding="utf-8")) for s in submissions]
    write_gradebook(results, checks, out_dir / "gradebook.csv")
    for result in results:
        write_feedback(result, checks, out_dir / "feedback" / f"{result.student}.html", rubric)
    return results


def _save(results_dir: Path, submission: Path, result: SubmissionResult) -> None:
    target = _result_path(results_dir, submission)
    partial = target.with_suffix(".tmp")
    partial.write_text(result_to_json(result), encoding="utf-8")
    partial.replace(target)  # atomic: a half-written result never looks finished


def write_gradebook(results: list[SubmissionResult], checks: CheckFile, path: Path) -> None:
    """One row per submission. `student` is the identifier column to map on import (Canvas: SIS
    User ID or login; Moodle: username or email); `total` is the grade column."""
    task_columns = [f"{task.id} ({task.points:g})" for task in checks.tasks]
    header = ["student", "file", *task_columns, "total", "out_of", "status", "message", "written_response"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for r in sorted(results, key=lambda r: r.student):
            writer.writerow([r.student, r.file, *(f"{r.points.get(t.id, 0):g}" for t in checks.tasks),
                             f"{r.total:g}", f"{r.max_total:g}", r.status, r.message, r.written_response])


def write_feedback(result: SubmissionResult, checks: CheckFile, path: Path, rubric: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = "".join(
        f"<tr><td>{html.escape(t.id)}</td><td>{result.points.get(t.id, 0):g} / {t.points:g}</td>"
        f"<td>{html.escape(result.task_notes.get(t.id, ''))}</td>"
        f"<td>{html.escape(t.hint) if result.task_notes.get(t.id) != 'correct' else ''}</td></tr>"
        for t in checks.tasks)
    written = html.escape(result.written_response) or "<em>No written response found.</em>"
    path.write_text(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(checks.title)}: feedback for {html.escape(result.student)}</title>"
        "<style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5}"
        "td,th{border:1px solid #999;padding:.3rem .6rem;text-align:left}table{border-collapse:collapse}"
        "pre{white-space:pre-wrap;background:#f4f4f4;padding:.75rem}</style></head><body>"
        f"<h1>{html.escape(checks.title)}</h1><p>Student: <strong>{html.escape(result.student)}</strong> "
        f"({html.escape(result.file)})</p>"
        f"<p>Auto-graded score: <strong>{result.total:g} of {result.max_total:g}</strong>. "
        f"Status: {html.escape(result.status)}. {html.escape(result.message)}</p>"
        f"<table><thead><tr><th>Task</th><th>Points</th><th>Result</th><th>Hint</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<h2>Written response (graded by your instructor)</h2><pre>{written}</pre>"
        + (f"<h2>Rubric</h2>{to_html(rubric)}" if rubric else "") + "</body></html>",
        encoding="utf-8")

