"""Structural analysis with the MICMAC method (Michel Godet, LIPSOR), exact and checkable.

MICMAC ("Matrice d'impacts croisés, multiplication appliquée à un classement") ranks the variables of a
system by how much they act on it (influence, "motricité") and how much they undergo it (dependence),
first directly, then through chains of influences, by raising the matrix to successive powers.

Sources (the conventions below are restated in our own words):
  [G07] M. Godet, *Manuel de prospective stratégique*, tome 2 « L'Art et la méthode », Dunod, 3e éd. 2007,
        chap. 5 (analyse structurelle).
  [L04] M. Godet et al., *La boîte à outils de prospective stratégique*, Cahiers du LIPSOR n° 5, CNAM, 2004,
        « L'analyse structurelle ».
  [F22] Futuribles, *L'analyse structurelle. Se poser les bonnes questions et identifier les variables
        clefs — guide utilisateur V5*, 2022, of the online tool designed by M. Godet and F. Bourse
        (matrices MID, MIDP, MII, MIIP, classements, plan des déplacements).

No widgets and no files here: the apps give a DataFrame and display the `MicmacResult`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kit.errors import KitError
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)

SCALE = "0, 1, 2, 3, P"
CUTS = ("mean", "median")
POTENTIAL_MODES = ("auto", "always", "never")
MAX_DETAILS = 20  # a whole wrong column of 60 cells would drown the message
_INT64_MAX = int(np.iinfo(np.int64).max)


@dataclass
class MicmacResult:
    """Everything MICMAC computed, so that a practitioner can check each number.

    table: one row per variable (matrix order). For each variant ``direct``, ``indirect`` and, when the
        matrix holds P, ``potential_direct`` and ``potential_indirect``: ``<variant>_influence`` and
        ``<variant>_dependence`` (exact integer sums: int64, or Python ints when a high power outgrows
        int64), ``..._permille`` (share of the matrix total, in ‰), ``..._rank`` (1 = most influent /
        most dependent) and ``<variant>_sector``. ``influence_rank_shift`` and ``dependence_rank_shift``
        = direct rank − indirect rank (positive: the variable climbs once indirect effects count);
        ``potential_influence_rank_shift`` and ``potential_dependence_rank_shift`` likewise between the
        two potential variants.
    direct_matrix: the matrix read as ints, P counted as 0 (MID). potential_matrix: P counted as
        `potential_weight` (MIDP), or None.
    stable_power / potential_stable_power: the power whose sums give the indirect columns.
    cut: "mean" or "median". cuts: the cut values per variant (rows) in sums and in ‰, to draw the axes.
    powers / potential_powers: the rank-stability table; columns (measure, k) for k = 1..stable power,
        measure in influence_rank, dependence_rank, influence, dependence (the sums of M^k).
    warnings: French sentences for the user (ranking not stable, powers vanishing).
    """

    table: pd.DataFrame
    direct_matrix: pd.DataFrame
    potential_matrix: pd.DataFrame | None
    stable_power: int
    potential_stable_power: int | None
    cut: str
    cuts: pd.DataFrame
    powers: pd.DataFrame
    potential_powers: pd.DataFrame | None
    potential_weight: int
    warnings: list[str]

    def matrix_power(self, k: int, *, potential: bool = False) -> pd.DataFrame:
        """M^k with exact integers (the MII / MIIP at power k), to check a sum cell by cell."""
        source = self.potential_matrix if potential else self.direct_matrix
        if source is None:
            raise ValueError("no potential matrix: the input holds no P")
        power = np.linalg.matrix_power(source.to_numpy().astype(object), k)
        return pd.DataFrame(_exact(power), index=source.index, columns=source.columns)

    def ranking(self, measure: str = "indirect_influence") -> list:
        """Variable labels from rank 1 down; tied variables keep the matrix order."""
        return self.table[f"{measure}_rank"].sort_values(kind="stable").index.tolist()


def micmac(
    matrix: pd.DataFrame,
    *,
    cut: str = "mean",
    max_power: int = 30,
    potential: str = "auto",
    potential_weight: int = 3,
) -> MicmacResult:
    """Direct, indirect and potential MICMAC classification of a structural-analysis matrix.

    Input: a square DataFrame whose index and columns are the same variables in the same order; cell
    (i, j) is the direct influence of row i on column j: 0 none, 1 weak, 2 medium, 3 strong, "P"/"p"
    potential [G07, L04]. Integral floats and numeric strings are accepted; NaN, None and "" mean 0.
    Anything else, a non-zero diagonal (a variable does not act on itself), duplicate or mismatched
    labels, or fewer than 2 variables raise a French `KitError` naming the cells.

    Formulas, with M the direct matrix (MID, P counted as 0) and 1 the all-ones vector:
    - Direct [G07, L04]: influence_i = Σ_j M_ij (row total), dependence_j = Σ_i M_ij (column total).
    - Indirect [G07, L04, F22]: (M^k)_ij weighs the chains of k influences going from i to j, loops
      included; influence and dependence at power k are the row and column totals of M^k. They are
      computed as M^k·1 = M·(M^(k-1)·1) and 1ᵀM^k = (1ᵀM^(k-1))·M: two matrix-vector products per
      power instead of a matrix product, with the same exact integers. The power grows from 2 until
      both rankings (influence and dependence) are identical to those of the previous power: the method
      stops once the classification no longer moves, which usually happens after 3 to 5
      multiplications according to Godet's presentations [G07, L04] (the MICMAC tool [F22] lets the
      user set the number of iterations). That first power is `stable_power`; if the rankings still
      move at `max_power`, that power is used and a warning says so.
    - Potential [F22]: the MIDP is the MID plus the potential relations (absent today, made possible by
      the evolution of the system). Here P counts as `potential_weight`: 3 by default, a potential
      relation read as a strong one, the convention commonly attributed to the LIPSOR tool; the
      descriptions of the MIDP we could consult do not quote the number, hence the explicit option.
      The MIIP is its powers, with the same stopping rule. `potential`: "auto" computes the potential
      variants when a P is present, "always" even without P, "never" not at all.
    - Normalised values: per-mille of the total Σ_ij (M^k)_ij, which is the same for rows and columns,
      so every ‰ column sums to 1000 and direct and indirect values share one scale (our display
      choice). Scaling by a positive total never changes a ranking; we keep exact integers anyway
      (int64, then Python ints past 2^63), so ties are real ties, never rounding accidents.
    - Ranks: 1 = largest value; tied variables share the best rank of their group (pandas
      rank(method="min", ascending=False): 1, 2, 2, 4); wherever variables are listed in rank order
      (`MicmacResult.ranking`), ties keep the matrix order.
    - Sectors of the influence/dependence plane [G07, L04]: "motrice" (high influence, low dependence:
      determinant variables), "relais" (high, high: relay variables, the stakes, unstable by nature),
      "dépendante" (low, high: result variables), "autonome" (low, low: rather disconnected). "High"
      means strictly above the cut — the mean (default) or the median of the column, computed on the
      exact sums; a value equal to the cut counts as low, so a variable sitting on an axis is never
      promoted, and a system whose values are all equal is all "autonome".
    """
    if cut not in CUTS:
        raise ValueError(f"cut must be one of {CUTS}, not {cut!r}")
    if potential not in POTENTIAL_MODES:
        raise ValueError(f"potential must be one of {POTENTIAL_MODES}, not {potential!r}")
    # Past ~100 powers the sums of a 100-variable matrix would no longer fit a float for the ‰ and the cuts;
    # the ranking settles long before (3 to 5 powers usually).
    if not isinstance(max_power, int) or not 2 <= max_power <= 100:
        raise ValueError(f"max_power must be an int from 2 to 100, not {max_power!r}")
    if potential_weight not in (1, 2, 3):
        raise ValueError(f"potential_weight must be 1, 2 or 3, not {potential_weight!r}")

    labels, direct, is_p = _read_matrix(matrix)
    warnings: list[str] = []
    columns, cuts, stable, powers = _analyse(direct, cut, max_power, labels, "", warnings)
    result = dict(direct_matrix=pd.DataFrame(direct, index=labels, columns=labels), stable_power=stable,
                  powers=powers, potential_matrix=None, potential_stable_power=None, potential_powers=None)
    if potential == "always" or (potential == "auto" and is_p.any()):
        midp = direct + potential_weight * is_p
        p_columns, p_cuts, p_stable, p_powers = _analyse(midp, cut, max_power, labels, "potential_", warnings)
        columns.update(p_columns)
        cuts.update(p_cuts)
        result.update(potential_matrix=pd.DataFrame(midp, index=labels, columns=labels),
                      potential_stable_power=p_stable, potential_powers=p_powers)
    table = pd.DataFrame(columns, index=labels)
    cuts_table = pd.DataFrame.from_dict(cuts, orient="index")
    return MicmacResult(table=table, cut=cut, cuts=cuts_table, potential_weight=potential_weight,
                        warnings=warnings, **result)


def _read_matrix(matrix: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Check the matrix and return (labels, int64 values with P as 0, boolean mask of the P cells)."""
    if not isinstance(matrix, pd.DataFrame):
        raise TypeError(f"micmac expects a pandas DataFrame, not {type(matrix).__name__}")
    n_rows, n_cols = matrix.shape
    if n_rows != n_cols:
        raise KitError(f"La matrice doit être carrée : elle a {n_rows} ligne(s) pour {n_cols} colonne(s).")
    if n_rows < 2:
        raise KitError(f"Il faut au moins 2 variables pour une analyse structurelle (la matrice en a {n_rows}).")
    duplicates = [
        f"« {label} » apparaît {count} fois en {where}"
        for where, axis in (("ligne", matrix.index), ("colonne", matrix.columns))
        for label, count in pd.Series(axis).value_counts(sort=False).items()
        if count > 1
    ]
    if duplicates:
        raise KitError("Chaque variable doit apparaître une seule fois en ligne et en colonne.", details=duplicates)
    if not matrix.index.equals(matrix.columns):
        raise KitError(
            "Les lignes et les colonnes doivent porter les mêmes variables, dans le même ordre.",
            details=[f"position {i} : ligne « {r} », colonne « {c} »"
                     for i, (r, c) in enumerate(zip(matrix.index, matrix.columns), 1) if r != c],
        )

    # Whole-matrix string operations rather than a Python loop over the cells: a 60×60 matrix is 3,600 cells.
    cells = pd.Series(matrix.to_numpy(dtype=object).ravel())
    missing = cells.isna().to_numpy()
    text = cells.where(~missing, "").astype(str).str.strip()
    is_p = text.isin(("P", "p")).to_numpy()
    blank = missing | (text == "").to_numpy()
    number = pd.to_numeric(text.where(~(blank | is_p), "0"), errors="coerce").to_numpy(dtype=float)
    on_scale = is_p | np.isin(number, (0, 1, 2, 3))  # 2.0 is on the scale, 2.5, NaN and "abc" are not

    n = n_rows
    values = np.where(on_scale & ~is_p, number, 0).astype(np.int64).reshape(n, n)
    is_p, on_scale = is_p.reshape(n, n), on_scale.reshape(n, n)
    on_diagonal = np.eye(n, dtype=bool) & on_scale & ((values != 0) | is_p)
    problems = []
    for i, j in np.argwhere(~on_scale | on_diagonal):  # only the faulty cells, usually none
        where = f"ligne « {matrix.index[i]} », colonne « {matrix.columns[j]} »"
        shown = shown_value(matrix.iat[i, j])
        if on_scale[i, j]:
            problems.append(f"{where} : {shown} sur la diagonale — une variable n'agit pas sur elle-même, mettez 0")
        else:
            problems.append(f"{where} : {shown} n'est pas sur l'échelle {SCALE}")
    if problems:
        shown_problems = problems[:MAX_DETAILS]
        if len(problems) > MAX_DETAILS:
            shown_problems.append(f"… et {len(problems) - MAX_DETAILS} autre(s) cellule(s)")
        raise KitError(f"{len(problems)} cellule(s) de la matrice à corriger "
                       f"(valeurs permises : {SCALE} ; diagonale à 0).", details=shown_problems)
    return matrix.index, values, is_p


def shown_value(value) -> str:
    """A cell value as the user typed it, for error messages."""
    if isinstance(value, str):
        return f"« {value.strip()} »"
    if isinstance(value, float | np.floating):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _analyse(M: np.ndarray, cut: str, max_power: int, labels: pd.Index, prefix: str, warnings: list[str]):
    """Direct and indirect columns of one matrix (MID, or MIDP with prefix "potential_")."""
    stable, sums, ranks, settled = _powers(M, max_power)
    columns, cuts = {}, {}
    for variant, k in (("direct", 1), ("indirect", stable)):
        measures, cuts[prefix + variant] = _measures(*sums[k - 1], *ranks[k - 1], cut)
        columns.update({f"{prefix}{variant}_{name}": values for name, values in measures.items()})
    for measure in ("influence", "dependence"):
        columns[f"{prefix}{measure}_rank_shift"] = (
            columns[f"{prefix}direct_{measure}_rank"] - columns[f"{prefix}indirect_{measure}_rank"])

    name = "potentiel (MIDP)" if prefix else "(MID)"
    if not settled:
        warnings.append(f"Le classement indirect {name} bouge encore à la puissance {max_power} : "
                        "les valeurs indirectes sont celles de cette puissance, à lire avec prudence.")
    if not sums[stable - 1][0].any():
        warnings.append(f"La matrice {name} ne contient aucune influence." if M.sum() == 0 else
                        f"La matrice {name} ne contient aucune boucle : ses puissances s'annulent, "
                        "le classement indirect ne distingue plus les variables.")

    tables = {}
    for m, measure in enumerate(("influence", "dependence")):
        tables[f"{measure}_rank"] = pd.DataFrame({k: r[m] for k, r in enumerate(ranks, 1)}, index=labels)
    for m, measure in enumerate(("influence", "dependence")):
        tables[measure] = pd.DataFrame({k: _exact(s[m]) for k, s in enumerate(sums, 1)}, index=labels)
    powers = pd.concat(tables, axis=1, names=["measure", "power"])
    return columns, cuts, stable, powers


def _powers(M: np.ndarray, max_power: int):
    """Influence and dependence sums of M^1, M^2, … until both rankings repeat (exact integers).

    Returns (stable power, [(influence, dependence)] per power, [(ranks, ranks)] per power, settled?).
    """
    # M·u stays below (largest row or column total of M) × max(u): past this bound int64 could overflow,
    # so the sums switch to Python ints (object arrays), exact at any size.
    limit = _INT64_MAX // max(int(M.sum(axis=1).max()), int(M.sum(axis=0).max()), 1)
    influence, dependence = M.sum(axis=1), M.sum(axis=0)
    sums = [(influence, dependence)]
    ranks = [(_rank(influence), _rank(dependence))]
    for k in range(2, max_power + 1):
        if influence.dtype != object and max(influence.max(), dependence.max()) > limit:
            M, influence, dependence = M.astype(object), influence.astype(object), dependence.astype(object)
        influence, dependence = M @ influence, dependence @ M
        sums.append((influence, dependence))
        ranks.append((_rank(influence), _rank(dependence)))
        if all(np.array_equal(now, before) for now, before in zip(ranks[-1], ranks[-2])):
            return k, sums, ranks, True
    return max_power, sums, ranks, False


def _rank(values: np.ndarray) -> np.ndarray:
    """1 + the number of strictly larger values: pandas rank(method="min", ascending=False), exact."""
    return 1 + (values[None, :] > values[:, None]).sum(axis=1).astype(np.int64)


def _measures(influence, dependence, influence_rank, dependence_rank, cut: str):
    """Table columns and cut values of one variant (direct or indirect)."""
    total = int(influence.astype(object).sum())  # Python ints: the sum may pass 2^63 before any entry does
    influence_high, influence_cut = above_cut(influence, cut)
    dependence_high, dependence_cut = above_cut(dependence, cut)
    sector = np.where(influence_high, np.where(dependence_high, "relais", "motrice"),
                      np.where(dependence_high, "dépendante", "autonome"))
    measures = {
        "influence": _exact(influence),
        "dependence": _exact(dependence),
        "influence_permille": _permille(influence, total),
        "dependence_permille": _permille(dependence, total),
        "influence_rank": influence_rank,
        "dependence_rank": dependence_rank,
        "sector": sector,
    }
    cuts = {
        "influence": influence_cut,
        "dependence": dependence_cut,
        "influence_permille": 1000 * influence_cut / total if total else 0.0,
        "dependence_permille": 1000 * dependence_cut / total if total else 0.0,
    }
    return measures, cuts


def above_cut(values: np.ndarray, cut: str) -> tuple[np.ndarray, float]:
    """Which values are strictly above the mean or median (compared exactly), and the cut value.
    Shared with MACTOR, whose actors' plane is cut the same way."""
    v = values.astype(object)  # Python ints: n × value cannot overflow
    n = len(v)
    if cut == "mean":
        total = int(v.sum())
        return (n * v > total).astype(bool), total / n
    s = np.sort(v)
    twice_median = 2 * s[n // 2] if n % 2 else s[n // 2 - 1] + s[n // 2]
    return (2 * v > twice_median).astype(bool), twice_median / 2


def _permille(values: np.ndarray, total: int) -> np.ndarray:
    if total == 0:
        return np.zeros(len(values))
    # Python int / int is correctly rounded even for sums far beyond float precision.
    return (values.astype(object) * 1000 / total).astype(float)


def _exact(values: np.ndarray) -> np.ndarray:
    """int64 when every value fits, else the Python ints themselves (sums of high powers outgrow int64)."""
    if values.dtype != object or values.size == 0 or max(values.flat) <= _INT64_MAX:
        return values.astype(np.int64)
    return values
