"""The result layer: the vocabulary, the records of a comparison, sections and the Report.

It sits at the bottom of driftcli and imports nothing above it (only ``errors`` and
``exitcodes``); everything else imports it. See docs/architecture.md.
"""
