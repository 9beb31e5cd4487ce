"""Column drift: kinds, plans, the per-column decision, correction and learned thresholds.

``kinds`` infers what a column holds; ``plan`` decides from the schemas what each column will
get; ``analyse`` chooses the test, runs it and decides (overall, per segment, per window);
``correction`` adjusts the p-values of a run together; ``thresholds`` learns thresholds from
reference chunks.
"""
