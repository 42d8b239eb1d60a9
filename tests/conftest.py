"""Shared test set-up. Test notebooks under tests/ are fixtures for the grader, not pages: nbval
collects only book/, exercises/ and answers/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
collect_ignore_glob = ["fixtures/*"]
