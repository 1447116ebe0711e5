"""Closed-form results: the Landau–Zener law and its relatives.

One crossing (:mod:`~lzsm.closed_forms.landau_zener`), repeated passages and Stückelberg phases
(:mod:`~lzsm.closed_forms.passages`), multi-level models (:mod:`~lzsm.closed_forms.multilevel`),
switched pulses (:mod:`~lzsm.closed_forms.pulses`), the Dykhne–Davis–Pechukas formula
(:mod:`~lzsm.closed_forms.dykhne`), incoherent limits and rate equations
(:mod:`~lzsm.closed_forms.incoherent`).
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
