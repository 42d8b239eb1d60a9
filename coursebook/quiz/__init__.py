"""The quiz core: the question schema, loading banks, reading answers, scoring one response, safe
markup.

Pure Python: no IPython, ipywidgets, nbclient or Sphinx. Every other room builds on this one.
"""
