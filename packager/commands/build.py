"""``packager build``: the face pipeline's verified bundles (``export.facebundle``), then the
summary, as text or JSON."""

from __future__ import annotations

import json

from packager.export import facebundle, summary
from packager.options import BuildOptions
from packager.progress import Progress


def main(opts: BuildOptions, progress: Progress, print_fn=print) -> int:
    """Build, then print the summary (``export.summary``); 0 when the bundles are installed (a
    refusal is a ``PackagerError``: the CLI's one line and exit code 2)."""
    s = facebundle.build(opts, progress)
    print_fn(json.dumps(s, indent=2) if opts.json else summary.summary_text(s))
    return 0
