"""Jupyter server extension: save hook and authenticated REST handlers."""
