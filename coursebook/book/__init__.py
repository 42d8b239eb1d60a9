"""Building and executing the book.

jupyter-book runs, deterministic notebook outputs, the Sphinx extension.
"""
