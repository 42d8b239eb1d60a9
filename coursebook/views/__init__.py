"""What shows a quiz or a model.

The static HTML view (with its JS and CSS), the widget view, the notebook API.
"""
