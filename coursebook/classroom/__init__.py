"""Exercises and grading: answer specs, the student's check(), the student edition, the grader,
the gradebook."""
