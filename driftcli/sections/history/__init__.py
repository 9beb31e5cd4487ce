"""Run history: trends over the stored runs of a model and the rules across runs."""
