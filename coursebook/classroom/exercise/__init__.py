"""An exercise as data: its check file (`task`, `checks`), the one comparison (`comparison`), the
student-safe hashes (`fingerprints`), the grading limits (`limits`), the rubric (`rubric`) and the
`Assignment` that holds them all for the grader, `gradebook merge` and the Gradescope autograder.

The lowest floor of `classroom/`: it imports nothing else from it.
"""
