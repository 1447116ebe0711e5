"""Compile lzsm's numba kernels into their on-disk caches before the test suite runs.

``make test`` runs this beside the linters (``python tests/warm_kernels.py GROUP`` for each
group, in parallel), so that the pytest workers load every kernel from the cache instead of
each compiling the kernels it needs the first time.  It is a build step, not a test: each call
is the smallest one that makes numba compile a kernel for the argument types lzsm passes it
(one signature per kernel), and nothing is checked here.  If a kernel is missed, the suite only
pays for compiling it again, as it did before this step existed.

    python tests/warm_kernels.py            # every group, in this process
    python tests/warm_kernels.py A          # one group (A: open systems and noise; B: the others)
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np


def _coherent() -> None:
    import lzsm

    lzsm.evolve(lzsm.LandauZener(0.5, 1.0), (-5.0, 5.0))  # magnus.evolve_two_level
    lzsm.transition_matrix(lzsm.spin_sweep(1.0, coupling=0.3, sweep_rate=1.0), (-5.0, 5.0))  # evolve_n_level


def _open() -> None:
    import lzsm

    m2 = lzsm.LandauZener(0.3, 1.0)
    lzsm.evolve_open(m2, (-5.0, 5.0), 0, dephasing=0.1)  # lindblad.evolve_bloch
    m3 = lzsm.spin_sweep(1.0, coupling=0.3, sweep_rate=1.0)
    lzsm.evolve_open(m3, (-5.0, 5.0), 0, dephasing=0.1)  # evolve_lindblad
    # a model given by a callable: SciPy with the compiled dissipator of a bath
    lzsm.evolve_open(
        lzsm.TwoLevel(lambda t: t, 0.3), (-2.0, 2.0), 0, bath=lzsm.OhmicBath(eta=0.02, cutoff=5.0), temperature=0.1
    )


def _noise() -> None:
    import lzsm

    m2 = lzsm.LandauZener(0.5, 1.0)
    t = np.linspace(-2.0, 2.0, 3)
    ou = lzsm.OrnsteinUhlenbeckNoise(sigma=1.0, correlation_time=0.5, acts_on="bias")
    lzsm.evolve_noisy(m2, (-2.0, 2.0), 0, t, noise=ou, n_trajectories=4, seed=1)  # trajectories_two_level
    tn = lzsm.TelegraphNoise(amplitude=0.5, switching_rate=1.0, acts_on="bias")
    lzsm.evolve_noisy(m2, (-2.0, 2.0), 0, t, noise=tn, n_trajectories=4, seed=1)
    m3 = lzsm.spin_sweep(1.0, coupling=0.3, sweep_rate=1.0)
    op = np.diag([1.0, 0.0, -1.0])
    on = lzsm.OrnsteinUhlenbeckNoise(sigma=1.0, correlation_time=0.5, acts_on=op)
    lzsm.evolve_noisy(m3, (-2.0, 2.0), 0, t, noise=on, n_trajectories=4, seed=1)  # trajectories_n_level


def _others() -> None:
    import lzsm
    from lzsm.applications.cold_atoms import nonlinear_lz_evolve

    lzsm.finite_time_p_diabatic_stay(0.5, 1.0, t=5.0, t0=-5.0)  # parabolic_cylinder.propagator
    lzsm.lz_amplitudes(0.5, 1.0, 5.0)  # from_minus_infinity
    fl = lzsm.floquet(lzsm.PeriodicDrive(1.0, 3.0, 10.0, 5.0), n_samples=16)  # averages
    fl.time_averaged_populations(0, n_periods=None)
    lzsm.surface_hopping(lzsm.TullySimple(), 20.0, n_trajectories=2, seed=1)  # run_ensemble
    lzsm.stationary_scattering(lzsm.TullySimple(), k=[10.0])  # log_derivative.sweep_two_channels
    nonlinear_lz_evolve(1.0, 1.0, 0.5, (-5.0, 5.0))  # _nlz_rk4


def _helpers() -> None:
    """Kernel helpers that the tests call from Python as well (one more signature each)."""
    from lzsm.kernels import drives, stepping
    from lzsm.kernels import surface_hopping as sh

    fp = np.array([1.0, 0.0])
    drives._coef(drives.F_TRIANGLE, fp, 0.5)
    drives._next_break(drives.F_TRIANGLE, fp, 0.5)
    stepping.control(1e-6, 1e-10, 0.5, 0.5, 0.0, False, 0.1, stepping.EXPONENT_RICHARDSON, 0.0)
    stepping.trial_step(3.0, 0.5, 10.0, 4.0, drives.F_TRIANGLE, fp)
    stepping.outside_radius(1.0, 0.5, 0.0)
    table = np.zeros((4, 2, 2))
    sh._interp(0.0, -1.0, 1.0, table, table, np.zeros((2, 2)), np.zeros((2, 2)), True)


# two groups of about equal compile time (~40 s each on the 2-core machine)
GROUPS: dict[str, list[Callable[[], None]]] = {"A": [_open, _noise, _helpers], "B": [_coherent, _others]}


def main(argv: list[str]) -> None:
    names = argv or sorted(GROUPS)
    for name in names:
        for warm in GROUPS[name]:
            warm()


if __name__ == "__main__":
    main(sys.argv[1:])
