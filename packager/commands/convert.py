"""``packager convert``: any one model's verified bundles (``export.modelbundle``), then the
summary, as text or JSON.  (``packager.convert``, the package, holds the front ends: one module per
source format.)"""

from __future__ import annotations

import json

from packager.export import modelbundle, summary
from packager.options import ConvertOptions
from packager.progress import Progress


def main(opts: ConvertOptions, progress: Progress, print_fn=print) -> int:
    """Convert, then print the summary (``export.summary``); 0 when the bundles are installed (a
    refusal is a ``PackagerError``: the CLI's one line and exit code 2)."""
    s = modelbundle.convert(opts, progress)
    print_fn(json.dumps(s, indent=2) if opts.json else summary.convert_summary_text(s))
    return 0
