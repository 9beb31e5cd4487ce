"""Prediction and target drift: ``compute`` (the model's columns from the run's column
results), ``result``, ``html``/``terminal`` (views), ``spec`` (the registry entry)."""
