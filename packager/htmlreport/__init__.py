"""Self-contained HTML pages a person reads: the build report (``build``) and the pieces every
page is made of (``page``, ``svg``), which the bench charts (``bench.html``) use too.

The report takes plain data (bundle manifests, the traced sample photos, parity results as
numbers): it imports nothing above the convert layer (docs/DESIGN.md, "Layers").

One file each, no network: images are PNG ``data:`` URIs, charts inline SVG, styles inline; no
script.  Every chart has a ``<table>`` beside it with the same numbers.  The bytes depend only on
their inputs (no timestamps, no absolute paths, deterministic PNG encoding), so two builds give
the same report.
"""
