"""Folder trees that stress the grader's clean-up."""

import os
from pathlib import Path


def nest(folder: Path, levels: int = 1500) -> None:
    """`levels` folders `d/d/…` inside `folder`, made relative to a descriptor (the whole path
    would exceed PATH_MAX)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
