"""p-values print as a bound below 0.001, never as a misleading 0.000, in every comparison table."""

from __future__ import annotations

import json
import math

import pytest

from rukp.reports.formatting import format_p


@pytest.mark.parametrize(("p", "shown"), [
    (0.0, "< 0.001"), (0.0004, "< 0.001"), (0.001, "0.001"), (0.0625, "0.062"), (1.0, "1.000"),
    (None, "—"), (math.nan, "—"),
])
def test_format_p(p, shown):
    assert format_p(p) == shown


def test_comparison_tables_show_p_values_with_format_p(tmp_path):
    """A perfect system against an empty one: the bootstrap p is 1/2001, shown as ``< 0.001``, not 0.000."""
    from rukp.evaluation import compare
    from rukp.reports.markdown import render
    from rukp.reports.tables import comparison_table

    text = "Vladimir Poutine est à Moscou."
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": f"d{i}", "text": text, "entities": [
        {"id": f"d{i}-E1", "start": 0, "end": 16, "text": "Vladimir Poutine", "label": "PER"}],
        "claims": [], "relations": []}) + "\n" for i in range(3)), encoding="utf-8")
    perfect = [{"doc_id": f"d{i}", "entities": [{"start": 0, "end": 16, "label": "PER"}], "claims": []}
               for i in range(3)]
    empty = [{"doc_id": f"d{i}", "entities": [], "claims": []} for i in range(3)]
    comparison = compare(perfect, empty, gold=str(gold), bootstrap=2000, shuffles=200, claims=False, progress=False)
    header, rows = comparison_table(comparison, "documents")
    p_cols = [header.index("p (bootstrap)"), header.index("p (randomisation)")]
    assert min(t.p_bootstrap for t in comparison.tests["documents"].values() if t.p_bootstrap is not None) < 0.001
    assert any(row[p_cols[0]] == "< 0.001" for row in rows)
    assert all(row[i] != "0.000" for row in rows for i in p_cols)
    assert "< 0.001" in render(comparison)
