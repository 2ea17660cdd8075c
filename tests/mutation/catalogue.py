"""Plausible mistakes in the mathematics of ``ibcore``, each planted alone by ``make mutants``.

Every mutant changes one formula — a scale, a factor 2, a sign, a time constant, a norm, an
initialisation, a reference computed with the wrong potential — in the dynamics or in the
references. ``chapters`` lists the chapters whose claims should notice it, in the order they
are tried; the runner stops at the first chapter claim that fails. A mutant that no claim kills
is a missing or dependent claim: fix the claim, not the mutant.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    """One planted mistake: replace ``find`` (which must occur exactly once) by ``replace`` in ``path``."""

    id: str
    path: str
    find: str
    replace: str
    what: str
    chapters: tuple[str, ...]


LS, DN, KR, SR, MM, TD = (
    "least_squares",
    "diagonal_networks",
    "kernel_rich_regimes",
    "sparse_recovery",
    "max_margin",
    "time_dependent_legendre",
)

MUTANTS: tuple[Mutant, ...] = (
    # --- the square loss and its closed forms -------------------------------------------------------
    Mutant("loss-time-constant", "ibcore/losses.py",
           "return self.X.T @ self.residual(theta) / self.n",
           "return self.X.T @ self.residual(theta) / (2 * self.n)",
           "gradient of R with 1/(2n) instead of 1/n (a time constant)", (LS,)),
    Mutant("spectrum-rates", "ibcore/limits.py",
           "return self.sigma**2 / self.n",
           "return self.sigma**2 / (2 * self.n)",
           "decay rates sigma_j^2/(2n) in the closed-form flow", (LS,)),
    Mutant("ridge-scale", "ibcore/limits.py",
           "nl = spec.n * lam[:, None]",
           "nl = lam[:, None]",
           "ridge filter without the factor n (the EPFL sheet's normalisation mixed in)", (LS,)),
    Mutant("gd-filter", "ibcore/limits.py",
           "np.power.outer(1.0 - eta * spec.rates, k).T",
           "np.power.outer(1.0 - 2 * eta * spec.rates, k).T",
           "closed-form GD filter with step 2 eta", (LS,)),
    Mutant("projection-centre", "ibcore/programs.py",
           "return min_bregman_program(Euclidean(1.0), X_arr, y_arr, reference=c, solver=solver)",
           "return min_bregman_program(Euclidean(1.0), X_arr, y_arr, reference=0 * c, solver=solver)",
           "min-l2 reference that ignores the centre theta0", (LS,)),
    # --- parameterisations and their potentials -----------------------------------------------------
    Mutant("signed-square-chain-rule", "ibcore/parametrizations.py",
           "return 2 * u, -2 * v",
           "return 2 * u, -v",
           "chain rule of u*u - v*v: d theta/dv = -v instead of -2v", (DN, KR)),
    Mutant("signed-square-gamma", "ibcore/parametrizations.py",
           "gamma = 2 * np.abs(u0 * v0)",
           "gamma = np.abs(u0 * v0)",
           "hyperbolic-entropy scale of u*u - v*v halved", (DN, KR)),
    Mutant("product-weight", "ibcore/parametrizations.py",
           "weight = 0.5",
           "weight = 0.25",
           "potential of u*v with weight 1/4 (the signed square's) instead of 1/2", (DN,)),
    Mutant("square-weight", "ibcore/parametrizations.py",
           "return NegativeEntropy(0.25)",
           "return NegativeEntropy(0.5)",
           "negative entropy of u*u with weight 1/2 instead of 1/4", (DN,)),
    Mutant("signed-square-init", "ibcore/parametrizations.py",
           "big = (np.hypot(theta0, 2 * alpha * alpha) + np.abs(theta0)) / 2",
           "big = (np.hypot(theta0, alpha * alpha) + np.abs(theta0)) / 2",
           "initialisation u0 v0 = alpha^2 / 2 instead of alpha^2", (KR, DN)),
    Mutant("effective-alpha", "ibcore/parametrizations.py",
           "return np.sqrt(np.abs(u * v))",
           "return np.abs(u * v)",
           "effective alpha as u*v instead of sqrt(u*v)", (KR,)),
    Mutant("tangent-kernel", "ibcore/parametrizations.py",
           "return du * du + dv * dv if self.two_vectors else du * du",
           "return du * du if self.two_vectors else du * du",
           "tangent kernel of a two-factor model without the second factor", (DN, KR)),
    Mutant("power-chain-rule", "ibcore/parametrizations.py",
           "return self.k * u ** (self.k - 1), -self.k * v ** (self.k - 1)",
           "return (self.k - 1) * u ** (self.k - 1), -(self.k - 1) * v ** (self.k - 1)",
           "chain rule of u^k - v^k with (k-1) u^(k-1)", (DN, TD)),
    # --- potentials ------------------------------------------------------------------------------
    Mutant("q-alpha-scale", "ibcore/potentials.py",
           "    gamma = 2 * a * a",
           "    gamma = a * a",
           "Q_alpha's scale gamma = alpha^2 instead of 2 alpha^2 (exact and cvxpy references)", (KR,)),
    Mutant("hyperbolic-inverse", "ibcore/potentials.py",
           "return scaled_sinh(s, self.gamma)",
           "return scaled_sinh(s, 2 * self.gamma)",
           "inverse mirror map of the hyperbolic entropy off by a factor 2", (DN, KR)),
    Mutant("entropy-inverse", "ibcore/potentials.py",
           "        return np.exp(s)\n",
           "        return np.exp(2 * s)\n",
           "inverse mirror map of the negative entropy e^(2z/w)", (DN,)),
    Mutant("q-function", "ibcore/potentials.py",
           "return HyperbolicEntropy(2.0, 1.0).coordinate_values(as_float_array(z, \"z\"))",
           "return HyperbolicEntropy(1.0, 1.0).coordinate_values(as_float_array(z, \"z\"))",
           "Woodworth's q with arcsinh(z) instead of arcsinh(z/2)", (KR,)),
    Mutant("depth-k-constant", "ibcore/potentials.py",
           "float(k * (k - 2)), k / (k - 2)",
           "float(k * (k - 1)), k / (k - 2)",
           "depth-k mirror map with K = k(k-1) instead of k(k-2)", (TD,)),
    Mutant("log-cosh-gradient", "ibcore/potentials.py",
           "return (self.b * _logistic(2 * t) - self.a * _logistic(-2 * t)) / 2",
           "return (self.b * _logistic(2 * t) - self.a * _logistic(-2 * t)) / 4",
           "mirror map of log u - log v with 1/4 instead of 1/2", (TD,)),
    # --- exact references ------------------------------------------------------------------------
    Mutant("exact-ignores-start", "ibcore/limits.py",
           "    z0 = potential.grad(theta0)\n    nu = np.zeros(X_arr.shape[0])",
           "    z0 = potential.grad(0 * theta0)\n    nu = np.zeros(X_arr.shape[0])",
           "exact Bregman projection that ignores the initialisation theta0", (DN,)),
    Mutant("exact-q-alpha-squared", "ibcore/limits.py",
           "return mirror_flow_limit(diagonal_potential(alpha), X_arr, y_arr, np.zeros(X_arr.shape[1]), "
           "certify=certify)",
           "return mirror_flow_limit(diagonal_potential(alpha * alpha), X_arr, y_arr, np.zeros(X_arr.shape[1]), "
           "certify=certify)",
           "exact Q_alpha reference computed at alpha^2", (KR,)),
    Mutant("cvxpy-q-alpha-squared", "ibcore/programs.py",
           "return min_bregman_program(diagonal_potential(a), X_arr, y_arr, reference=np.zeros(X_arr.shape[1]),",
           "return min_bregman_program(diagonal_potential(a * a), X_arr, y_arr, reference=np.zeros(X_arr.shape[1]),",
           "cvxpy Q_alpha reference computed at alpha^2", (KR,)),
    # --- classification --------------------------------------------------------------------------
    Mutant("exp-loss-weights", "ibcore/classification.py",
           "return np.exp(np.minimum(log_scale - m, 700.0))",
           "return np.exp(np.minimum(log_scale - 2 * m, 700.0))",
           "exponential loss e^(-2m) in the gradient", (MM,)),
    Mutant("logistic-sign", "ibcore/classification.py",
           "return np.exp(np.minimum(log_scale - np.logaddexp(0.0, m), 700.0))",
           "return np.exp(np.minimum(log_scale - np.logaddexp(0.0, -m), 700.0))",
           "logistic loss derivative with the sign of the margin flipped", (MM,)),
    Mutant("smooth-margin-sign", "ibcore/classification.py",
           "return float(-logsumexp(-loss.margins(w_arr)) / np.linalg.norm(w_arr))",
           "return float(-logsumexp(loss.margins(w_arr)) / np.linalg.norm(w_arr))",
           "smooth margin with log-sum-exp of +m", (MM,)),
    Mutant("svm-direction-norm", "ibcore/programs.py",
           "direction = w_hat / np.linalg.norm(w_hat)",
           "direction = w_hat / np.linalg.norm(w_hat, 1)",
           "l2 max-margin direction normalised in l1", (MM,)),
    # --- explicit regularisation ------------------------------------------------------------------
    Mutant("schedule-linear", "ibcore/schedules.py",
           "return lam * (c - c * c / (2 * T))",
           "return lam * (c - c * c / T)",
           "accumulated amount of a linear schedule without the 1/2", (TD,)),
    Mutant("effective-init-quadratic", "ibcore/parametrizations.py",
           "return np.exp(-decay) * w0",
           "return np.exp(-2 * decay) * w0",
           "effective initialisation e^(-2 Lambda) w0 for weight decay", (TD,)),
    Mutant("effective-init-depth", "ibcore/parametrizations.py",
           "return (w0 ** (2.0 - k) + (k - 2) * decay) ** (1.0 / (2 - k))",
           "return (w0 ** (2.0 - k) + k * decay) ** (1.0 / (2 - k))",
           "effective initialisation of u^k - v^k with k Lambda instead of (k-2) Lambda", (TD,)),
    Mutant("effective-init-log", "ibcore/parametrizations.py",
           "return np.sqrt(w0 * w0 - 2 * decay)",
           "return np.sqrt(w0 * w0 - decay)",
           "effective initialisation of log u - log v with Lambda instead of 2 Lambda", (TD,)),
    Mutant("matched-penalty", "ibcore/parametrizations.py",
           "return w ** (self.k - 1)",
           "return w ** self.k",
           "gradient of the matched penalty u^k instead of u^(k-1)", (TD,)),
    Mutant("dual-accumulator", "ibcore/regularized.py",
           "return np.concatenate([dw, -r / n])",
           "return np.concatenate([dw, -r / (2 * n)])",
           "accumulated gradient mu_t integrated at half speed", (TD,)),
    Mutant("reconstruction-error", "ibcore/sensing.py",
           "recon_error=frozen([float(np.sum((M - data.M_star) ** 2)) for M in Ms]),",
           "recon_error=frozen([float(np.sqrt(np.sum((M - data.M_star) ** 2))) for M in Ms]),",
           "the paper's reconstruction error unsquared", (TD,)),
    Mutant("spectral-entropy-scale", "ibcore/programs.py",
           "reference=np.full(data.dim, s)",
           "reference=np.full(data.dim, s * s)",
           "cvxpy spectral-entropy program with reference s^2 instead of s", (TD,)),
    Mutant("ista-threshold", "ibcore/algorithms.py",
           "return np.sign(z) * np.maximum(np.abs(z) - step * lam, 0.0)",
           "return np.sign(z) * np.maximum(np.abs(z) - lam, 0.0)",
           "proximal step thresholding at lambda instead of eta lambda", (TD,)),
    # --- certificates and error bounds -----------------------------------------------------------
    Mutant("displaced-offset", "ibcore/parametrizations.py",
           "+ (u0**k - v0**k)",
           "+ (u0**k + v0**k)",
           "predictor of the log-displacement integrator with offset u0^k + v0^k", (KR,)),
    Mutant("lasso-distance-eigenvalue", "ibcore/programs.py",
           "mu = float(np.linalg.eigvalsh(XU.T @ XU / X_arr.shape[0])[0])",
           "mu = float(np.linalg.eigvalsh(XU.T @ XU / X_arr.shape[0])[-1])",
           "restricted strong convexity from the largest eigenvalue instead of the smallest", (TD,)),
    Mutant("transition-se", "ibcore/recovery.py",
           "location_se=float(np.sqrt(covariance[0, 0]))",
           "location_se=float(covariance[0, 0])",
           "standard error of the transition reported as its variance", (SR,)),
    # --- sparse recovery -------------------------------------------------------------------------
    Mutant("statistical-dimension", "ibcore/recovery.py",
           "sides = 1.0 if nonnegative else 2.0",
           "sides = 1.0",
           "statistical dimension of the signed l1 cone with the one-sided tail", (SR,)),
    Mutant("rip-normalisation", "ibcore/recovery.py",
           "return X_arr.T @ X_arr / n, d, r",
           "return X_arr.T @ X_arr / (n + 1), d, r",
           "restricted isometry constant of X^T X/(n+1)", (SR,)),
    # --- lazy training ---------------------------------------------------------------------------
    Mutant("lazy-features", "ibcore/lazy.py",
           "return np.hstack([2 * self.X * w[:d], -2 * self.X * w[d:]])",
           "return np.hstack([self.X * w[:d], -self.X * w[d:]])",
           "tangent features of the diagonal model without the factor 2", (KR,)),
)
