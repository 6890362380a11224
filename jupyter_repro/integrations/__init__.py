"""Adapters to the ecosystem's tools: jupytext, papermill, nbconvert, pytest."""
