"""Adapters between the pure core and the file system."""
