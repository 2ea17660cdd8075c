"""ibcore — the helper package of the executable lecture notes on implicit bias.

Import it as ``import ibcore as ib``; the modules are one idea each:

- :mod:`ibcore.data`          problem generators
- :mod:`ibcore.losses`        the square loss (value, gradient, smoothness)
- :mod:`ibcore.classification` exponential/logistic losses in log form, margins, the log-time flow
- :mod:`ibcore.parametrizations` theta = g(w): u*u, u*v, u*u - v*v, u^k - v^k, and their losses
- :mod:`ibcore.potentials`    separable Legendre functions (mirror maps) and Bregman divergences
- :mod:`ibcore.algorithms`    GD, SGD, momentum, AdaGrad, gradient flow -> :class:`Trajectory`
- :mod:`ibcore.programs`      the convex programs the theorems predict (cvxpy)
- :mod:`ibcore.limits`        exact characterisations without cvxpy (closed forms, dual Newton)
- :mod:`ibcore.lazy`          lazy training: F_alpha = R(alpha f)/alpha^2 and its linearisation
- :mod:`ibcore.networks`      two-layer ReLU networks, their tangent kernels, the infinite-width kernel
- :mod:`ibcore.recovery`      sparse-recovery theory: RIP constants, statistical dimensions
- :mod:`ibcore.schedules`     regularisation schedules and their accumulated amount
- :mod:`ibcore.regularized`   explicit regularisation as a time-dependent mirror flow
- :mod:`ibcore.sensing`       matrix sensing on U U^T with scheduled weight decay
- :mod:`ibcore.noise`         SGD noise: exact stationary covariances, the OU limit, label noise, chains
- :mod:`ibcore.records`      the result records: read-only, one naming scheme
- :mod:`ibcore.verification`  ``verify`` a claim against an independent reference
- :mod:`ibcore.exercises`     checks a reader runs on their answers to the exercises
- :mod:`ibcore.chapter`       what every chapter does first (style, warnings, its ClaimBook)
- :mod:`ibcore.plotting`      the book's figure style
"""

import importlib
from types import ModuleType

from . import (
    algorithms,
    classification,
    data,
    lazy,
    limits,
    losses,
    networks,
    noise,
    parametrizations,
    potentials,
    records,
    regularized,
    schedules,
    sensing,
    verification,
)
from .algorithms import Trajectory
from .errors import (
    ClaimFailed,
    DivergenceError,
    IbcoreError,
    InputError,
    NotConverged,
    SolverError,
)
from .verification import Claim, ClaimBook, ClaimTable, Erratum, verify, verify_bound

#: Modules loaded when first used: they import cvxpy, matplotlib or scipy.stats (about 1 s together), which the
#: rest of the package does not need.
_LAZY = ("chapter", "exercises", "plotting", "programs", "recovery")


def __getattr__(name: str) -> ModuleType:
    if name in _LAZY:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'ibcore' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.1.0"

__all__ = [
    "Claim",
    "ClaimBook",
    "ClaimFailed",
    "ClaimTable",
    "DivergenceError",
    "Erratum",
    "IbcoreError",
    "InputError",
    "NotConverged",
    "SolverError",
    "Trajectory",
    "algorithms",
    "chapter",
    "classification",
    "data",
    "exercises",
    "lazy",
    "limits",
    "losses",
    "networks",
    "noise",
    "parametrizations",
    "plotting",
    "potentials",
    "programs",
    "records",
    "recovery",
    "regularized",
    "schedules",
    "sensing",
    "verification",
    "verify",
    "verify_bound",
]
