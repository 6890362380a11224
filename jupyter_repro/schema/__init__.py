"""Data schemas shipped with the package (lock.schema.json)."""
