"""Grading on an engine instructors already use, one container per submission: Gradescope's
autograder.

`gradescope` builds the autograder zip; `gradescope_run` is what the zip's `run_autograder` runs in
the container (the same `grade_submission` as `coursebook grade`); `gradescope_results` turns one
result into Gradescope's `results.json`; `package` builds the wheel of this package that the zip
installs.
"""
