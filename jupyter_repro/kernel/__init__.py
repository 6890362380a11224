"""IPython extension that journals every cell run. Imported in every kernel: keep it light."""
