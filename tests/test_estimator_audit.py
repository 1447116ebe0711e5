"""The estimator audit in small (benchmarks/audit_estimators.py --quick): every error estimate
and standard error lzsm reports, on two or three cases each, against an independent tighter
reference.  A deterministic estimate must not claim less than the actual error (beyond the
reference's own error); a standard error must not leave improbably many checks beyond 3 sigma.
The full audit and its table are in docs/accuracy.md ("Estimator audit")."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load_audit():
    sys.path.insert(0, str(BENCHMARKS))  # the script imports benchmarks/_common.py
    try:
        spec = importlib.util.spec_from_file_location("audit_estimators", BENCHMARKS / "audit_estimators.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


AUDIT = _load_audit()


@pytest.mark.parametrize("name", list(AUDIT.AUDITS))
def test_estimator_keeps_its_word(name):
    """actual <= claimed on the quick cases of estimator ``name``."""
    (audit,) = AUDIT.run_audits([name], quick=True)
    assert audit.rows, f"no case of {name} ran"
    if audit.statistical:
        assert not audit.fails(), AUDIT.render_text(audit)
    else:
        under = [r for r in audit.rows if r.under]
        assert not under, AUDIT.render_text(audit)


def test_audit_table_has_the_columns_of_docs_accuracy():
    rows = [AUDIT.Row("case", 1e-6, 5e-7), AUDIT.Row("case 2", 1e-6, 2e-6, ref_error=2e-6)]
    audit = AUDIT.Audit("x", "An estimator", "a reference", lambda quick: iter(()), rows=rows)
    table = AUDIT.render_markdown([audit], "python benchmarks/audit_estimators.py")
    header = table.splitlines()[0]
    for column in (
        "estimator",
        "cases",
        "claimed (median / max)",
        "actual (median / max)",
        "under-reported",
        "verdict",
    ):
        assert column in header
    assert "| An estimator | a reference | 2 | 1e-06 / 1e-06 | 1.2e-06 / 2e-06 | 0 | keeps its word |" in table
    bad = AUDIT.Audit("y", "Another", "ref", lambda quick: iter(()), rows=[AUDIT.Row("c", 1e-6, 3e-6)])
    assert bad.fails() and "UNDER-REPORTS" in AUDIT.render_markdown([bad], "cmd")
