"""The book's interactive models: inputs, presets and arithmetic, with no view attached."""
