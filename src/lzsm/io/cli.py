"""The ``lzsm`` command line: ``lzsm lz``, ``lzsm evolve``, ``lzsm run SCENARIO.toml``, ``lzsm crossings MODEL.toml``,
``lzsm fit DATA``, ``lzsm explore``.

Bad input, click's usage errors included, prints one line (``lzsm: error: ...``) on stderr and
exits with status 2, leaving no partial output behind.

Units: values are plain numbers or strings with units (``'0.1 GHz'``, ``'1 GHz/ns'``,
``'-5 ns'``).  Plain numbers and unit strings never mix silently: without ``--units`` either
every value of a command carries a unit (then the unit system is GHz, ns) or none does (then
hbar is ``--hbar``, default 1); with ``--units ENERGY,TIME`` plain numbers are in those units.

The module imports nothing heavy: numpy, the closed forms and the integrators are imported
inside the commands, so ``lzsm --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from lzsm._version import __version__
from lzsm.errors import LzsmError, LzsmValueError


class _Fail(click.ClickException):
    exit_code = 2

    def show(self, file=None) -> None:  # one readable line
        click.echo(f"lzsm: error: {_one_line(self.format_message())}", err=True)


@contextlib.contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    """Click's usage errors (unknown option, missing argument, bad value) as one line, exit 2."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:  # a bare `lzsm` prints the help
        raise
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        raise _Fail(exc.format_message().rstrip(".") + hint) from None


class _Group(click.Group):
    """The ``lzsm`` group: usage errors of the group and of every command print one line."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        with _one_line_usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage_errors():
            return super().invoke(ctx)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _guard(fn):
    """Turn library errors into one line and exit status 2; show the warnings of a command that
    succeeds as one line each, ``lzsm: warning: ...`` (no source path), once each, after its output.

    A command that fails shows its error alone: the warnings that led up to it (an overflow on
    the way to the check that refused the input, say) would only bury the one line that matters."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = fn(*args, **kwargs)
            except click.ClickException:
                raise
            except (LzsmError, ValueError, TypeError, OSError) as exc:
                raise _Fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
        for line in dict.fromkeys(_one_line(str(w.message)) for w in caught):
            click.echo(f"lzsm: warning: {line}", err=True)
        return result

    return wrapper


def _system_and_hbar(units_opt: str | None, hbar: float | None, values: list[tuple[str, str]]):
    """Unit system and hbar: from --units, or GHz,ns when every value carries a unit, or none
    (plain numbers, hbar from --hbar); plain numbers and unit strings mixed are an error."""
    from lzsm.io import units

    if hbar is not None and not (math.isfinite(hbar) and hbar > 0):
        raise LzsmValueError(f"`--hbar` must be a finite number > 0, got {hbar!r}")
    if units_opt is None:
        with_units = units.check_mixing(values, "declare the unit system with --units ENERGY,TIME", infer=True)
        if not with_units:
            return None, 1.0 if hbar is None else hbar
    if hbar is not None:
        raise LzsmError("--hbar cannot be combined with physical units: hbar follows from --units")
    try:
        system = units.UnitSystem.from_text(units_opt or "GHz,ns")
    except LzsmValueError as exc:
        raise LzsmValueError(f"`--units` ({units_opt!r}): {exc}") from None
    return system, system.hbar


def _parse(text: str, dimension: str, system, name: str, *, nonzero: bool = False) -> float:
    from lzsm.io import units

    try:
        value: float | str = float(text)
    except ValueError:
        value = text
    x = units.parse(value, dimension, system, name)
    if nonzero and x == 0:
        raise LzsmValueError(f"`{name}` must be nonzero (its sign sets the sweep direction), got {text!r}")
    return x


def _t_span(t_span: tuple[str, str], system) -> tuple[float, float]:
    """``--t-span T0 T1`` as numbers in the command's units, with t0 < t1."""
    t0, t1 = (_parse(t, "time", system, "--t-span") for t in t_span)
    if not t1 > t0:
        raise LzsmValueError(f"`--t-span` must be increasing (t0 < t1), got {t_span[0]!r} {t_span[1]!r}")
    return t0, t1


#: ``--tails`` of `lz` and `evolve` (the values of :data:`lzsm.dynamics.asymptotic.TAILS`).
_TAILS_OPTION = click.option(
    "--tails",
    type=click.Choice(["auto", "off"]),
    default="auto",
    show_default=True,
    help="auto: beyond the crossing's core the state is carried by asymptotic frames, not stepped "
    "(cost: the log of the window); off: step through the whole --t-span",
)


#: Library names of the parameters of `lz` and `evolve` -> their options (errors name the options).
_OPTION_NAMES = {
    "coupling": "--coupling",
    "sweep_rate": "--sweep-rate",
    "t_span": "--t-span",
    "tol": "--tol",
    "max_steps": "--max-steps",
    "tails": "--tails",
    "t_eval": "--n-save",
    "initial": "--initial",
    "hbar": "--hbar",
}


def _finished(ev: Any, what: str) -> None:
    """A propagation that stopped before the end of --t-span is an error naming what to change
    (its NaN never leaves with exit status 0)."""
    import numpy as np

    from lzsm.errors import LzsmNumericalError

    if not ev.ok:
        message = ev.message.reshape(-1)[~np.asarray(ev.success).reshape(-1)][0]
        raise LzsmNumericalError(
            f"{what} did not reach the end of --t-span ({message}, after {int(np.max(ev.n_steps))} steps): "
            "shorten --t-span, loosen --tol or raise --max-steps"
        )


def _max_lz_coupling(delta_max: float, sweep_rate: float, hbar: float) -> float:
    """The largest |V| whose adiabaticity V^2/(hbar |alpha|) is at most ``delta_max``."""
    import math

    return math.sqrt(delta_max * hbar * abs(sweep_rate))


def _faster(v: float, delta_max: float, hbar: float) -> str:
    """``', or --sweep-rate |alpha| >= X'``: the sweep rate that brings V within ``delta_max``."""
    import math

    rate = v / delta_max / hbar * v
    return f", or --sweep-rate |alpha| >= {rate:.4g}" if math.isfinite(rate) else ""


@contextlib.contextmanager
def _quiet_convergence() -> Iterator[None]:
    """No LzsmConvergenceWarning on stderr: an unfinished propagation is an error here (one line)."""
    import warnings

    from lzsm.errors import LzsmConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LzsmConvergenceWarning)
        yield


def _listing(folder: Path) -> str:
    """The files of an output folder, without lzsm's hidden bookkeeping (its marker, locks)."""
    return ", ".join(sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")))


def _fmt(x) -> str:
    if isinstance(x, str):
        return x
    return f"{x:.10g}"


@click.group("lzsm", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lzsm", message="%(prog)s %(version)s")
def main() -> None:
    """lzsm — Landau–Zener–Stückelberg–Majorana physics from the command line.

    Conventions: H = [[alpha t/2, V], [V*, -alpha t/2]]; P_LZ = exp(-2 pi V^2/(hbar alpha)) is
    the probability to keep the diabatic state (a jump between adiabatic states).

    Units: give every value a unit ('0.1 GHz', '1 GHz/ns', '-5 ns'; then GHz, ns), or none
    (then hbar = --hbar, default 1), or declare --units ENERGY,TIME and plain numbers are in it.
    """


_units_help = (
    "unit system 'ENERGY,TIME': plain numbers are in it, values with units are converted into it "
    "(default: GHz,ns when every value carries a unit; plain numbers alone use --hbar)"
)


_progress_help = "progress bars on stderr (default: for long computations, when stderr is a terminal)"


@main.command()
@click.option("--coupling", "-V", required=True, help="diabatic coupling V (number, or e.g. '0.1 GHz')")
@click.option("--sweep-rate", "-a", required=True, help="sweep rate alpha = d(E1-E2)/dt (e.g. '1 GHz/ns')")
@click.option("--hbar", type=float, default=None, help="hbar in your units (plain numbers only; default 1)")
@click.option("--units", "units_opt", default=None, help=_units_help)
@click.option(
    "--t-span",
    nargs=2,
    type=str,
    default=None,
    help="finite passage [t0 t1] for the exact comparison (default ±50 LZ times)",
)
@click.option("--max-steps", type=int, default=None, help="step budget of the exact propagation (default 1e7)")
@_TAILS_OPTION
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
@_guard
def lz(
    coupling: str,
    sweep_rate: str,
    hbar: float | None,
    units_opt: str | None,
    t_span: tuple[str, str] | None,
    max_steps: int | None,
    tails: str,
    as_json: bool,
) -> None:
    """Closed forms of the Landau–Zener crossing beside an exact propagation."""
    import numpy as np

    from lzsm._checks import named
    from lzsm.closed_forms import landau_zener as analytic
    from lzsm.dynamics.coherent import evolve
    from lzsm.models.two_level import LandauZener

    given = [("--coupling", coupling), ("--sweep-rate", sweep_rate)] + [("--t-span", t) for t in t_span or ()]
    system, hb = _system_and_hbar(units_opt, hbar, given)
    v = _parse(coupling, "energy", system, "--coupling")
    a = _parse(sweep_rate, "sweep_rate", system, "--sweep-rate", nonzero=True)
    with named(_OPTION_NAMES):
        model = LandauZener(v, a, hb)
    delta = float(analytic.adiabaticity(v, a, hb))
    if not delta <= analytic.MAX_FINITE_TIME_DELTA:
        dmax = analytic.MAX_FINITE_TIME_DELTA
        raise LzsmError(
            f"`--coupling` must be |V| <= {_max_lz_coupling(dmax, a, hb):.4g} at --sweep-rate {a:g} (the adiabaticity "
            f"V^2/(hbar |alpha|) at most {dmax:g}, where the finite-time closed form and the exact propagation beside it "
            f"hold; P_LZ = exp(-2 pi delta) is 0 in double precision beyond){_faster(v, dmax, hb)}; got --coupling {v:g}"
        )
    if t_span is None:
        tau = float(np.sqrt(hb / abs(a)) * max(1.0, np.sqrt(delta)))
        t0, t1 = -50.0 * tau, 50.0 * tau
    else:
        t0, t1 = _t_span(t_span, system)
    with named(_OPTION_NAMES):  # refuses what it cannot do first
        exact = float(analytic.finite_time_p_diabatic_stay(v, a, t1, t0, 0, hb))
    start = time.perf_counter()
    with named(_OPTION_NAMES), _quiet_convergence():
        ev = evolve(model, (t0, t1), 0, max_steps=max_steps, tails=tails)
    _finished(ev, "the exact propagation")
    seconds = time.perf_counter() - start
    rows = {
        "coupling V": v,
        "sweep_rate alpha": a,
        "hbar": hb,
        "minimum gap 2|V|": float(analytic.minimum_gap(v)),
        "adiabaticity delta = V^2/(hbar|alpha|)": delta,
        "P_LZ (p_diabatic_stay, t: -inf..inf)": float(analytic.lz_probability(v, a, hb)),
        "1 - P_LZ (p_adiabatic_follow)": float(analytic.p_adiabatic_follow(v, a, hb)),
        "golden rule 1 - P ~ 2 pi delta": float(analytic.golden_rule_probability(v, a, hb)),
        "golden rule relative error": float(analytic.golden_rule_error(v, a, hb)),
        "regime": str(analytic.regime(v, a, hb)),
        "Stokes phase": float(analytic.stokes_phase(delta)),
        "t_span": f"[{t0:g}, {t1:g}]",
        "exact finite-time p_diabatic_stay": exact,
        "evolve p_diabatic_stay": float(ev.p_diabatic_stay),
        "evolve |P - P_exact|": abs(float(ev.p_diabatic_stay) - exact),
        "evolve error estimate (amplitude)": float(ev.error_estimate),
        "evolve steps": int(ev.n_steps),
        "evolve seconds": seconds,
    }
    if v:
        rows["sweep rate for P = 1/e"] = float(analytic.sweep_rate_for_probability(np.exp(-1), v, hb))
        rows["transition time (diabatic)"] = float(analytic.lz_transition_time(v, a, hb, "diabatic"))
        rows["transition time (adiabatic)"] = float(analytic.lz_transition_time(v, a, hb, "adiabatic"))
    if system is not None:
        rows["units"] = f"energy {system.energy}, time {system.time}, sweep rate {system.unit_of('sweep_rate')}"
    if as_json:  # strict JSON: NaN/inf become null
        clean = {k: (None if isinstance(x, float) and not np.isfinite(x) else x) for k, x in rows.items()}
        click.echo(json.dumps(clean, indent=2))
        return
    width = max(len(k) for k in rows)
    for k, val in rows.items():
        click.echo(f"{k:<{width}}  {_fmt(val)}")


@main.command()
@click.option("--coupling", "-V", required=True, help="diabatic coupling V")
@click.option("--sweep-rate", "-a", required=True, help="sweep rate alpha = d(E1-E2)/dt")
@click.option("--t-span", nargs=2, type=str, required=True, help="start and end time, e.g. -50 50 or '-5 ns' '5 ns'")
@click.option(
    "--initial", default="diabatic 0", show_default=True, help="'diabatic K', 'adiabatic K', 'lower' or 'upper'"
)
@click.option(
    "--n-save", type=click.IntRange(2, 1_000_000), default=401, show_default=True, help="number of saved times"
)
@click.option("--tol", type=float, default=1e-10, show_default=True, help="local error tolerance per step")
@click.option("--max-steps", type=int, default=None, help="step budget of the propagation (default 1e7)")
@_TAILS_OPTION
@click.option("--hbar", type=float, default=None, help="hbar in your units (plain numbers only; default 1)")
@click.option("--units", "units_opt", default=None, help=_units_help)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="write the evolution as NetCDF (h5netcdf) to this file",
)
@click.option("--force", is_flag=True, help="overwrite --out if it exists")
@click.option("--json", "as_json", is_flag=True, help="print the final probabilities as JSON")
@_guard
def evolve(
    coupling, sweep_rate, t_span, initial, n_save, tol, max_steps, tails, hbar, units_opt, out, force, as_json
) -> None:
    """Exact propagation of a Landau–Zener passage; final probabilities in both pictures."""
    import numpy as np

    from lzsm._checks import named
    from lzsm.dynamics.coherent import evolve as _evolve
    from lzsm.models.two_level import LandauZener
    from lzsm.options import MAX_TOL, MIN_TOL

    given = [("--coupling", coupling), ("--sweep-rate", sweep_rate)] + [("--t-span", t) for t in t_span]
    system, hb = _system_and_hbar(units_opt, hbar, given)
    v = _parse(coupling, "energy", system, "--coupling")
    a = _parse(sweep_rate, "sweep_rate", system, "--sweep-rate", nonzero=True)
    t0, t1 = _t_span(t_span, system)
    if not (math.isfinite(tol) and MIN_TOL <= tol <= MAX_TOL):
        raise LzsmValueError(f"`--tol` must be in [{MIN_TOL:g}, {MAX_TOL:g}], got {tol!r}")
    if out is not None:
        from lzsm.io.output import check_output_file

        target = check_output_file(out, force)
    with named(_OPTION_NAMES), _quiet_convergence():
        ev = _evolve(
            LandauZener(v, a, hb),
            (t0, t1),
            initial,
            np.linspace(t0, t1, n_save),
            tol=tol,
            max_steps=max_steps,
            tails=tails,
        )
    _finished(ev, "the propagation")
    result = {
        "p_diabatic_stay": float(ev.p_diabatic_stay),
        "p_adiabatic_follow": float(ev.p_adiabatic_follow),
        "p_jump": float(ev.p_jump),
        "error_estimate": float(ev.error_estimate),
        "n_steps": int(ev.n_steps),
        "hbar": hb,
    }
    if out is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".partial")
        try:
            ev.to_netcdf(tmp)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        result["written"] = str(out)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        for k, val in result.items():
            click.echo(f"{k:<20}  {_fmt(val)}")


@main.command()
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="output folder (created; must not exist unless --force)",
)
@click.option("--force", is_flag=True, help="replace an existing output folder that lzsm wrote")
@click.option("--progress/--no-progress", default=None, help=_progress_help)
@_guard
def run(scenario_file: Path, out: Path, force: bool, progress: bool | None) -> None:
    """Run a scenario file: NetCDF data, PNG figures and a JSON summary in --out.

    A file with a top-level ``application = "NAME"`` key runs one of lzsm's applications
    (Zener breakdown, Feshbach association, qubits, electron transfer, ...)."""
    from lzsm import applications
    from lzsm.io import scenario
    from lzsm.io.output import read_toml

    raw = read_toml(scenario_file)
    if applications.is_application(raw):
        summary = applications.run(raw, out, force=force, progress=progress)
        click.echo(f"wrote {out}/ ({_listing(out)})")
        for k, val in summary.items():
            if isinstance(val, (int, float)) and not isinstance(val, bool) and k != "seconds":
                click.echo(f"  {k:<36} {_fmt(val)}")
        click.echo(f"  {'seconds':<36} {summary['seconds']:.3g}")
        return
    sc = scenario.from_dict(raw)
    summary = scenario.run(sc, out, force=force, progress=progress)
    click.echo(f"wrote {out}/ ({_listing(out)})")
    for k in (
        "p_diabatic_stay",
        "lz_probability",
        "finite_time_exact_p_diabatic_stay",
        "abs_error_vs_exact",
        "sweep_max_abs_error_vs_exact",
    ):
        if k in summary and summary[k] is not None:
            click.echo(f"  {k:<36} {_fmt(summary[k])}")


@main.command(name="map")
@click.argument("scenario_file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="output folder: map.zarr (resumable), map.nc, PNG figures, summary.json",
)
@click.option("--resume", is_flag=True, help="continue an interrupted map in --out (finished chunks are kept)")
@click.option("--force", is_flag=True, help="replace an existing output folder that lzsm wrote")
@click.option(
    "--scheduler",
    default=None,
    help="run chunks on Dask: 'local' (a LocalCluster on this machine) or a scheduler address tcp://host:port",
)
@click.option("--progress/--no-progress", default=None, help=_progress_help)
@_guard
def map_(
    scenario_file: Path, out: Path, resume: bool, force: bool, scheduler: str | None, progress: bool | None
) -> None:
    """Compute an LZSM interferometry (amplitude-spectroscopy) map from a scenario file."""
    from lzsm.io import scenario

    ms = scenario.load_map(scenario_file)
    summary = scenario.run_map(ms, out, resume=resume, force=force, scheduler=scheduler, progress=progress)
    click.echo(f"wrote {out}/ ({_listing(out)})")
    click.echo(f"  {summary['points']} points in {summary['seconds']:.3g} s")


@main.command()
@click.argument("model_file", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="output folder: crossings.nc, crossings.csv, level_diagram.png, model.json",
)
@click.option("--force", is_flag=True, help="replace an existing output folder that lzsm wrote")
@_guard
def crossings(model_file: Path, out: Path | None, force: bool) -> None:
    """Find and classify the level crossings of a diatomic-like model (diabatic curves, couplings
    and symmetry labels in TOML): true crossings between different symmetries, avoided ones
    within a symmetry, with their local Landau–Zener parameters."""
    from lzsm.io import crossings_file as cs

    cm = cs.load(model_file)
    table = cs.run(cm, out, force=force)
    for line in cs.format_table(cm, table):
        click.echo(line)
    if out is not None:
        click.echo(f"wrote {out}/ ({_listing(out)})")


def _assignments(pairs: tuple[str, ...], option: str) -> dict[str, float]:
    """``('gap=0.1', 't1=2e3')`` -> ``{'gap': 0.1, 't1': 2000.0}`` (values are plain numbers)."""
    out: dict[str, float] = {}
    for text in pairs:
        name, sep, value = text.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not sep or not name.strip() or not math.isfinite(number):
            raise LzsmValueError(f"{option} takes NAME=NUMBER (e.g. {option} gap=0.1), got {text!r}")
        out[name.strip()] = number
    return out


def _json_safe(value: Any) -> Any:
    """NaN and inf (a fixed parameter's error, a degenerate fit) as null: JSON has no NaN."""
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


FIT_MODELS = ("passage", "stueckelberg", "spectroscopy", "feshbach")


@main.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--model", "kind", type=click.Choice(FIT_MODELS), required=True, help="the kind of measurement")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="output folder: fit.nc, fit.png, summary.txt, summary.json (must not exist unless --force)",
)
@click.option("--force", is_flag=True, help="replace an existing output folder that lzsm wrote")
@click.option(
    "--sigma",
    type=float,
    default=None,
    help="standard error of every point (else the file's p_measured_stderr, else estimated)",
)
@click.option("--guess", multiple=True, metavar="NAME=VALUE", help="starting value of a fitted parameter (repeatable)")
@click.option("--fixed", multiple=True, metavar="NAME=VALUE", help="hold a parameter fixed (repeatable)")
@click.option("--hbar", type=float, default=None, help="hbar in the units of the data (default 1)")
@click.option("--sweep-span", type=float, default=None, help="passage against ramp_time: the bias span S (alpha = S/T)")
@click.option(
    "--measure",
    type=click.Choice(("p_diabatic_stay", "p_adiabatic_follow")),
    default=None,
    help="passage: what the data measure",
)
@click.option("--window", is_flag=True, help="passage against ramp_time: the finite window [-T/2, T/2]")
@click.option("--thermal", is_flag=True, help="passage: fit an initial thermal mixture p_thermal")
@click.option("--dephasing", is_flag=True, help="passage, stueckelberg: fit a dephasing rate")
@click.option(
    "--sweep-rate", type=float, default=None, help="stueckelberg: the slope alpha of the bias at each crossing"
)
@click.option("--frequency", type=float, default=None, help="spectroscopy: the angular drive frequency omega")
@click.option(
    "--forward-model",
    type=click.Choice(("auto", "rate", "lindblad")),
    default=None,
    help="spectroscopy: the forward model",
)
@click.option("--density", type=float, default=None, help="feshbach: the pair density n in cm^-3")
@click.option("--progress/--no-progress", default=None, help=_progress_help)
@_guard
def fit(
    data: Path,
    kind: str,
    out: Path,
    force: bool,
    sigma: float | None,
    guess: tuple[str, ...],
    fixed: tuple[str, ...],
    hbar: float | None,
    sweep_span: float | None,
    measure: str | None,
    window: bool,
    thermal: bool,
    dephasing: bool,
    sweep_rate: float | None,
    frequency: float | None,
    forward_model: str | None,
    density: float | None,
    progress: bool | None,
) -> None:
    """Fit lzsm's forward model of a measurement to DATA (a CSV or NetCDF file of p_measured on
    its axes): the result (fit.nc), a figure of data, model and residuals (fit.png) and a summary
    (summary.txt, summary.json) in --out."""
    from lzsm import fit as fitting
    from lzsm.io.output import atomic_folder, check_output_folder

    check_output_folder(out, force)  # refused before the fit runs
    options = {
        "sweep_span": sweep_span,
        "measure": measure,
        "window": window or None,
        "thermal": thermal or None,
        "dephasing": dephasing or None,
        "sweep_rate": sweep_rate,
        "frequency": frequency,
        "forward_model": forward_model,
        "density_cm3": density,
        "hbar": hbar,
    }
    accepted = {
        "passage": {"sweep_span", "measure", "window", "thermal", "dephasing", "hbar"},
        "stueckelberg": {"sweep_rate", "dephasing", "hbar"},
        "spectroscopy": {"frequency", "forward_model", "hbar"},
        "feshbach": {"density_cm3"},
    }[kind]
    given = {k: v for k, v in options.items() if v is not None}
    refused = sorted(set(given) - accepted)
    if refused:
        flags = ", ".join("--" + ("density" if k == "density_cm3" else k.replace("_", "-")) for k in refused)
        verb = "does" if len(refused) == 1 else "do"
        raise LzsmValueError(f"{flags} {verb} not apply to --model {kind}")
    needed = {"stueckelberg": ("sweep_rate", "--sweep-rate"), "spectroscopy": ("frequency", "--frequency")}
    needed["feshbach"] = ("density_cm3", "--density")
    if kind in needed and needed[kind][0] not in given:
        raise LzsmValueError(f"--model {kind} needs {needed[kind][1]}")
    if not data.is_file():
        raise LzsmValueError(f"data file {str(data)!r} does not exist or is not a file")
    front = getattr(fitting, kind)
    result = front(
        data,
        sigma=sigma,
        guess=_assignments(guess, "--guess"),
        fixed=_assignments(fixed, "--fixed"),
        progress=progress,
        **given,
    )
    summary = {
        "measurement": result.measurement,
        "forward_model": result.forward_model,
        "values": result.values,
        "stderr": {k: result.stderr[k] for k in result.free},
        "fixed": [k for k in result.values if k not in result.free],
        "chi2": result.chi2,
        "dof": result.dof,
        "reduced_chi2": result.reduced_chi2,
        "p_value": result.p_value if result.sigma_given else None,
        "sigma": "given per point" if result.sigma_given else "estimated from the residuals",
        "degenerate": [list(d) for d in result.degenerate],
        "derived": result.derived,
        "notes": list(result.notes),
    }
    with atomic_folder(out, force, kind="fit") as tmp:
        result.to_netcdf(tmp / "fit.nc")
        axes = result.plot()
        axes[0].figure.savefig(tmp / "fit.png", dpi=120)
        (tmp / "summary.txt").write_text(result.summary() + "\n", encoding="utf-8")
        (tmp / "summary.json").write_text(
            json.dumps(_json_safe(summary), indent=2) + "\n",
            encoding="utf-8",
        )
    click.echo(f"wrote {out}/ ({_listing(out)})")
    for name in result.free:
        click.echo(f"  {name:<20} {_fmt(result.values[name])} +- {result.stderr[name]:.3g}")
    if result.sigma_given:
        click.echo(f"  {'reduced_chi2':<20} {result.reduced_chi2:.4g} (p-value {result.p_value:.3g})")


@main.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="port on 127.0.0.1 (0: a free one)"
)
@click.option("--no-browser", is_flag=True, help="do not open a browser (never opened when CI is set)")
@_guard
def explore(port: int, no_browser: bool) -> None:
    """Start the interactive explorer (a local web app on 127.0.0.1) and print its URL: a
    crossing, interferometry maps, conical intersections, curve crossings and applications,
    each with its closed forms beside the exact numbers.  Ctrl-C stops it."""
    import importlib.util

    if importlib.util.find_spec("panel") is None or importlib.util.find_spec("bokeh") is None:
        raise _Fail("lzsm explore needs Panel: pip install 'lzsm[explore]'")
    from lzsm.explore import app

    def ready(url: str) -> None:
        click.echo(f"lzsm explore: {url}  (Ctrl-C stops it)")

    try:
        app.serve(port, show=not no_browser, ready=ready)
    except KeyboardInterrupt:
        click.echo("lzsm explore: stopped")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
