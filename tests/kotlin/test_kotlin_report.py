"""The build report's parity table shows the largest difference per stage of a real Kotlin
parity run."""

from __future__ import annotations

import re

import parity_cases
from packager.htmlreport import buildreport as htmlreport
from packager.htmlreport.page import num
from packager.parity import compare


def test_parity_table_shows_the_worst_difference_per_stage(kotlin_parity):
    results = [compare.compare_case(*kotlin_parity[n]) for n in parity_cases.CASE_NAMES]
    html = htmlreport.parity_section({"kotlin": compare.report_entry(results)})
    cells = dict(re.findall(r'<td data-lang="kotlin" data-stage="(\w+)">([^<]*)</td>', html))
    assert sorted(cells) == sorted(htmlreport.STAGES)
    for stage in htmlreport.STAGES:
        worst = max(r.diffs[stage] for r in results if stage in r.diffs)
        assert cells[stage] == num(worst, 2), stage
    assert f"ok</span> ({len(results)} images)" in html
