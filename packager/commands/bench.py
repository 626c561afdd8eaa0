"""``packager bench``: the bench's tables (``packager.bench.suite``) as markdown or JSON, and with
``--html`` as one page of charts."""

from __future__ import annotations

import json
from pathlib import Path

from packager import outputs
from packager.bench import html, suite
from packager.errors import PackagerError
from packager.options import BenchOptions
from packager.progress import Progress


def main(opts: BenchOptions, progress: Progress, print_fn=print) -> int:
    if opts.repeats < 1 or opts.cold_repeats < 1 or opts.threads < 0:
        raise PackagerError("--repeats and --cold-repeats must be at least 1, --threads at least 0")
    if opts.html is not None:
        outputs.check_file(opts.html, "--html", inputs=list(opts.images), input_kind="input image")
    report = suite.measure(opts, progress)
    print_fn(json.dumps(report.as_dict(), indent=2) if opts.json else report.markdown())
    if opts.html is not None:
        outputs.write_file(Path(opts.html), html.render(report).encode(), "--html")
        if not opts.json:
            print_fn(f"charts: {opts.html}")
    return 0
