"""Actors' strategies with the MACTOR method (Michel Godet, François Bourse, LIPSOR), exact and checkable.

MACTOR ("matrice des alliances et conflits : tactiques, objectifs et recommandations", F. Bourse and
M. Godet, 1989-1990) weighs the balance of power between the actors of a system and reads their alliances
and conflicts on a set of objectives. It needs two tables filled in
a workshop: the direct influences between actors (MID) and the valued positions of the actors on the
objectives (2MAO). Everything else is computed here.

Sources (the conventions below are restated in our own words):
  [G07] M. Godet, *Manuel de prospective stratégique*, tome 2 « L'Art et la méthode », Dunod, 3e éd. 2007,
        chap. 6 (analyse du jeu des acteurs, la méthode Mactor).
  [L04] M. Godet et al., *La boîte à outils de prospective stratégique*, Cahiers du LIPSOR n° 5, CNAM, 2004,
        « Analyser les stratégies d'acteurs : la méthode Mactor ».
  [G91] M. Godet, « Actors' moves and strategies: the MACTOR method. An air transport case study »,
        *Futures* 23 (6), 1991, p. 605-622.
  [F22] Futuribles, *L'analyse du jeu des acteurs en prospective. La méthode MACTOR — guide utilisateur
        V3*, 9 mai 2022, of the online tool designed by F. Bourse and M. Godet.

Where the sources leave a choice open, the choice is stated in `mactor`'s docstring and is an option.
No widgets and no files here: the apps give two DataFrames and display the `MactorResult`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kit.errors import KitError
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.methods.micmac import above_cut, shown_value

# The two LIPSOR scales, in our words, for the apps (user-facing, hence French) [G07, L04, F22].
MID_SCALE = {
    0: "aucune influence",
    1: "peut gêner les procédures de fonctionnement de l'acteur (sa gestion courante)",
    2: "peut mettre en cause la réussite de ses projets",
    3: "peut mettre en cause l'accomplissement de ses missions",
    4: "peut mettre en cause son existence même",
}
MAO_SCALE = {
    0: "l'objectif est sans enjeu pour l'acteur (neutre)",
    1: "l'objectif touche ses procédures de fonctionnement",
    2: "l'objectif touche la réussite de ses projets",
    3: "l'objectif touche l'accomplissement de ses missions",
    4: "l'objectif touche son existence même",
}
MAO_SIGN = {"+": "l'acteur est favorable à l'objectif", "-": "l'acteur y est opposé"}

CUTS = ("mean", "median")
RETROACTIONS = ("excluded", "included")
LEVELS = (1, 2, 3)
KINDS = ("convergence", "divergence")
MAX_DETAILS = 20  # a whole wrong column of 40 cells would drown the message
_MID = "MID"
_NUMBERS = (int, float, np.integer, np.floating)
_MAO = "2MAO"


@dataclass
class MactorResult:
    """Everything MACTOR computed, labelled by actor and objective, so that each number can be checked.

    mid: the MID read as int64 (actors × actors). midi: the MIDI, int64, diagonal = each actor's
        retroaction (its influence on itself through one relay).
    actors: one row per actor (MID order): ``direct_influence`` / ``direct_dependence`` (row / column sums
        of the MID), ``influence`` / ``dependence`` (Ii / Di from the MIDI, see `retroaction`),
        ``retroaction`` (MIDI_ii), ``ri`` and ``ri_star`` (balance of power, raw and normalised to a mean
        of 1), ``sector`` (on the Ii/Di plane) and ``direct_sector`` (same reading on the direct sums),
        ``mobilisation_2`` / ``mobilisation_3`` (Σ_j |2MAO_ij|, Σ_j |3MAO_ij|), ``favourable`` /
        ``opposed`` / ``neutral`` (how many objectives the actor is for, against, neutral on).
    mao1, mao2, mao3: the positions (actors × objectives): signs (int64), valued (int64), weighted by ri*
        (float).
    convergences, divergences: {1: 1CAA / 1DAA, 2: 2CAA / 2DAA, 3: 3CAA / 3DAA}, actors × actors,
        symmetric, diagonal 0. Level 1 counts objectives (int64); levels 2 and 3 are float intensities.
    degrees: one row per actor; for each level k: ``convergence_k`` and ``divergence_k`` (row sums of the
        matrices above) and ``convergence_degree_k`` = 100 × C / (C + D), NaN when the actor has neither.
    overall_degree: {level: 100 × ΣC / (ΣC + ΣD) over all pairs}, NaN when there is neither.
    edges: the convergence and divergence graphs as an edge list, one row per pair of actors with a
        non-zero intensity: ``kind`` ("convergence" / "divergence"), ``level`` (1, 2, 3), ``actor_a``,
        ``actor_b`` (in MID order), ``intensity`` and ``normalised`` (intensity / the largest intensity of
        the same kind and level: 1 for the strongest pair). Sorted by level, kind (convergence first), then intensity
        descending (ties in MID order).
    objectives: one row per objective: ``favourable`` / ``opposed`` / ``neutral`` (number of actors, from
        the 1MAO) and for k = 2, 3: ``agreement_k`` (sum of the positive cells of the kMAO column),
        ``disagreement_k`` (sum of the negative cells, a negative number, so agreement + disagreement is
        the net balance) and ``mobilisation_k`` (Σ |cells| = agreement − disagreement).
    cut, cuts: "mean" or "median" and the cut values of the Ii/Di plane (``influence``, ``dependence``)
        and of the direct plane (``direct_influence``, ``direct_dependence``), to draw the axes.
    retroaction: "excluded" or "included" (whether MIDI_ii counts in Ii and Di).
    warnings: French sentences for the user (an actor without influence, an objective nobody cares about…).
    """

    mid: pd.DataFrame
    midi: pd.DataFrame
    actors: pd.DataFrame
    mao1: pd.DataFrame
    mao2: pd.DataFrame
    mao3: pd.DataFrame
    convergences: dict[int, pd.DataFrame]
    divergences: dict[int, pd.DataFrame]
    degrees: pd.DataFrame
    overall_degree: dict[int, float]
    edges: pd.DataFrame
    objectives: pd.DataFrame
    cut: str
    cuts: pd.Series
    retroaction: str
    warnings: list[str]

    def graph(self, kind: str = "convergence", level: int = 3) -> pd.DataFrame:
        """The edge list of one graph (e.g. the valued convergences weighted by ri*: kind="convergence",
        level=3), index reset, to draw with the pair's intensity or its normalised value."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
        chosen = (self.edges["kind"] == kind) & (self.edges["level"] == level)
        return self.edges[chosen].reset_index(drop=True)


def mactor(mid: pd.DataFrame, mao: pd.DataFrame, *, cut: str = "mean",
           retroaction: str = "excluded") -> MactorResult:
    """Balance of power, weighted positions, convergences, divergences and mobilisation of MACTOR.

    Input [G07, L04, F22]:
    - `mid`, the MID: a square DataFrame, actors in index and columns (same labels, same order); cell (i, j)
      is how much actor i can act on actor j, an integer from 0 to 4 — 0 none; 1 i can disturb j's
      operating procedures; 2 i can compromise j's projects; 3 i can compromise j's missions; 4 i can
      threaten j's very existence (`MID_SCALE`). The diagonal is 0.
    - `mao`, the 2MAO: actors in index (the MID's actors, any order: the result follows the MID's order)
      and objectives in columns; cell (i, j) is an integer from -4 to +4: the sign says whether actor i
      is favourable (+) or opposed (-) to objective j, the magnitude how much the objective matters to
      it — 0 no stake (neutral); 1 its operating procedures; 2 its projects; 3 its missions; 4 its
      existence (`MAO_SCALE`).
    Integral floats and numeric strings ("+2", "−3" with a typographic minus) are accepted; NaN, None and
    "" mean 0. Anything else, a non-zero MID diagonal, duplicate or mismatched labels, fewer than 2 actors
    or no objective raise a French `KitError` naming the cells.

    Formulas (M = MID, n actors, A = 2MAO):
    - MIDI [G07, L04, G91]: MIDI_ij = M_ij + Σ_k min(M_ik, M_kj). The second term adds the indirect
      influences of order 2: i acts on j through a relay k, and a chain is only as strong as its weakest
      link (the min). As M_ii = 0, k = i and k = j add nothing. Off the diagonal, MIDI_ij ≥ M_ij. On the
      diagonal MIDI_ii = Σ_k min(M_ik, M_ki), the actor's retroaction: the influence that comes back to
      it through the others. We keep it in the matrix as computed.
    - Direct influence and dependence [G07, L04]: row and column sums of M.
    - Ii and Di [G07, L04]: row and column sums of the MIDI. `retroaction="excluded"` (default): the
      diagonal is left out, Ii = Σ_{j≠i} MIDI_ij and Di = Σ_{j≠i} MIDI_ji, the retroaction being reported
      apart — our reading of the LIPSOR tables; "included": full row and column sums. The ri formula
      below subtracts MIDI_ii from "Ii", which only makes the subtraction a removal if Ii holds the
      diagonal, and a further penalty for retroaction if it does not; we could not check on the sources
      themselves which one the LIPSOR tool computes, hence the option. It changes Ii, Di, the plane
      and ri.
    - Balance of power [G07, L04, G91]: ri = (Ii − MIDI_ii) / ΣIi × Ii / (Ii + Di), i.e. the actor's share
      of all influences, without its retroaction, times the part of influence in its own influence +
      dependence: an actor influent but also dependent, or whose influence mostly comes back to itself,
      weighs less. ri ≥ 0 always (MIDI_ii ≤ direct influence ≤ Ii). ri = 0 when Ii + Di = 0. Normalised:
      ri* = n × ri / Σri, so the ri* have a mean of 1 [G07, L04]. If every ri is 0 (no usable influence,
      e.g. two actors influencing each other equally), ri* is set to 1 for all, which leaves the 3MAO
      equal to the 2MAO, and a warning says so (our choice: the sources do not treat that case).
    - Positions [G07, L04]: 1MAO = sign(A) (+1, 0, -1); 2MAO = A; 3MAO_ij = A_ij × ri*_i.
    - Convergences and divergences [G07, L04, F22], for actors i ≠ k and level L = 1, 2, 3 on the LMAO:
      objective j is a convergence when both positions are non-zero with the same sign, a divergence
      when they are non-zero with opposite signs; a neutral (0) position is neither. 1CAA_ik / 1DAA_ik
      count those objectives; 2CAA_ik (3CAA_ik) sums, over them, the mean intensity
      (|A_ij| + |A_kj|) / 2 of the two 2MAO (3MAO) positions, and likewise 2DAA, 3DAA. The matrices are
      symmetric; the diagonal (an actor with itself) is set to 0 and never counted. Computed as matrix
      products of the positive / negative masks (P, N) and intensities W: CAA = sym(P∘W · Pᵀ + N∘W · Nᵀ),
      DAA = sym(P∘W · Nᵀ + N∘W · Pᵀ), with sym(X) = (X + Xᵀ) / 2. Each level reads the signs of its own
      matrix: an actor whose ri* is 0 has only zeros in the 3MAO, hence no convergence nor divergence at
      level 3 (the literal reading of the definition on the 3MAO; it differs from level 2 only then).
    - Degree of convergence (our definition; the tool [F22] prints a percentage whose exact formula we
      could not confirm): per actor 100 × C / (C + D) with C, D its row sums, and overall 100 × ΣC / (ΣC
      + ΣD) over all pairs.
    - Mobilisation [G07, F22]: of actor i, Σ_j |A_ij| (2MAO) and Σ_j |3MAO_ij|; on objective j, the sum
      of the positive cells (agreement) and of the negative cells (disagreement, kept negative) of the
      2MAO and 3MAO columns, the two bars of the mobilisation histogram.
    - Influence/dependence plane of actors [G07, L04]: coordinates (Ii, Di), four sectors: "dominant"
      (high influence, low dependence), "relais" (high, high), "dominé" (low influence, high dependence),
      "autonome" (low, low). "High" means strictly above the cut — the mean (default) or the median of
      the column, compared exactly on the integer sums — so an actor on an axis is never promoted (the
      same rule as `kit.methods.micmac`). ``direct_sector`` applies it to the direct sums.
    """
    if cut not in CUTS:
        raise ValueError(f"cut must be one of {CUTS}, not {cut!r}")
    if retroaction not in RETROACTIONS:
        raise ValueError(f"retroaction must be one of {RETROACTIONS}, not {retroaction!r}")
    actors, objectives, M, A = _read_inputs(mid, mao)
    warnings: list[str] = []

    # MIDI: element (i, k, j) of the broadcast is min(M_ik, M_kj); summing over k gives the relays.
    midi = M + np.minimum(M[:, :, None], M[None, :, :]).sum(axis=1)
    loop = np.diagonal(midi).copy()
    influence, dependence = midi.sum(axis=1), midi.sum(axis=0)
    if retroaction == "excluded":
        influence, dependence = influence - loop, dependence - loop
    direct_influence, direct_dependence = M.sum(axis=1), M.sum(axis=0)

    ri, ri_star = _balance_of_power(influence, dependence, loop, actors, M, warnings)

    # Positions.
    sign = np.sign(A)
    mao3 = A * ri_star[:, None]
    convergences, divergences, degree_columns, overall, edge_parts = {}, {}, {}, {}, []
    for level, positions in ((1, sign), (2, A), (3, mao3)):
        conv, div = _pairs((positions > 0).astype(float), (positions < 0).astype(float),
                           np.abs(positions).astype(float))
        if level == 1:  # counts of objectives: exact integers
            conv, div = np.rint(conv).astype(np.int64), np.rint(div).astype(np.int64)
        convergences[level] = pd.DataFrame(conv, index=actors, columns=actors)
        divergences[level] = pd.DataFrame(div, index=actors, columns=actors)
        c, d = conv.sum(axis=1), div.sum(axis=1)
        degree_columns[f"convergence_{level}"] = c
        degree_columns[f"divergence_{level}"] = d
        degree_columns[f"convergence_degree_{level}"] = _percent(c, c + d)
        overall[level] = float(_percent(np.array([c.sum()]), np.array([c.sum() + d.sum()]))[0])
        for kind, matrix in (("convergence", conv), ("divergence", div)):
            edge_parts.append(_edges(kind, level, matrix))

    # Sectors of the two planes.
    high_i, cut_i = above_cut(influence, cut)
    high_d, cut_d = above_cut(dependence, cut)
    high_di, cut_di = above_cut(direct_influence, cut)
    high_dd, cut_dd = above_cut(direct_dependence, cut)
    abs3 = np.abs(mao3)
    actor_table = pd.DataFrame({
        "direct_influence": direct_influence,
        "direct_dependence": direct_dependence,
        "influence": influence,
        "dependence": dependence,
        "retroaction": loop,
        "ri": ri,
        "ri_star": ri_star,
        "sector": _sectors(high_i, high_d),
        "direct_sector": _sectors(high_di, high_dd),
        "mobilisation_2": np.abs(A).sum(axis=1),
        "mobilisation_3": abs3.sum(axis=1),
        "favourable": (sign > 0).sum(axis=1),
        "opposed": (sign < 0).sum(axis=1),
        "neutral": (sign == 0).sum(axis=1),
    }, index=actors)
    objective_table = pd.DataFrame({
        "favourable": (sign > 0).sum(axis=0),
        "opposed": (sign < 0).sum(axis=0),
        "neutral": (sign == 0).sum(axis=0),
        "agreement_2": np.where(A > 0, A, 0).sum(axis=0),
        "disagreement_2": np.where(A < 0, A, 0).sum(axis=0),
        "mobilisation_2": np.abs(A).sum(axis=0),
        "agreement_3": np.where(mao3 > 0, mao3, 0.0).sum(axis=0),
        "disagreement_3": np.where(mao3 < 0, mao3, 0.0).sum(axis=0),
        "mobilisation_3": abs3.sum(axis=0),
    }, index=objectives)

    _position_warnings(A, actors, objectives, warnings)
    return MactorResult(
        mid=pd.DataFrame(M, index=actors, columns=actors),
        midi=pd.DataFrame(midi, index=actors, columns=actors),
        actors=actor_table,
        mao1=pd.DataFrame(sign, index=actors, columns=objectives),
        mao2=pd.DataFrame(A, index=actors, columns=objectives),
        mao3=pd.DataFrame(mao3, index=actors, columns=objectives),
        convergences=convergences,
        divergences=divergences,
        degrees=pd.DataFrame(degree_columns, index=actors),
        overall_degree=overall,
        edges=_edge_table(edge_parts, actors),
        objectives=objective_table,
        cut=cut,
        cuts=pd.Series({"influence": cut_i, "dependence": cut_d,
                        "direct_influence": cut_di, "direct_dependence": cut_dd}),
        retroaction=retroaction,
        warnings=warnings,
    )


# ---------------------------------------------------------------------------------------------------------
# Computation helpers.
# ---------------------------------------------------------------------------------------------------------
def _balance_of_power(influence, dependence, loop, actors, M, warnings):
    """ri and ri* (floats), each ri from exact integers and one division; warnings for null forces."""
    n = len(actors)
    total = int(influence.sum())
    numerator = (influence - loop) * influence          # exact int64: at most (4n²)² for n actors
    denominator = total * (influence + dependence)
    ri = np.zeros(n)
    defined = denominator > 0
    ri[defined] = numerator[defined] / denominator[defined]
    ri_sum = ri.sum()
    silent = ~M.any(axis=1)
    if silent.any():
        subject, verb, their = _plural(silent, ("L'acteur", "n'exerce", "ses"), ("Les acteurs", "n'exercent", "leurs"))
        weight = f", {their} positions ne pèsent rien dans la 3MAO" if ri_sum > 0 else ""
        warnings.append(f"{subject} {_quoted(actors[silent])} {verb} aucune influence directe (ligne à 0 dans la "
                        f"MID) : rapport de force nul{weight}.")
    if ri_sum == 0:
        warnings.append("Aucun acteur n'a de rapport de force mesurable (tous les ri sont nuls) : ri* vaut 1 "
                        "pour chacun, la 3MAO est donc égale à la 2MAO.")
        return ri, np.ones(n)
    null = (ri == 0) & ~silent
    if null.any():
        subject, verb, its, them, their = _plural(null, ("L'acteur", "a", "son", "lui", "ses"),
                                                  ("Les acteurs", "ont", "leur", "leur", "leurs"))
        warnings.append(f"{subject} {_quoted(actors[null])} {verb} un rapport de force nul malgré des influences "
                        f"dans la MID : toute {its} influence {them} revient par les autres acteurs (rétroaction), "
                        f"{their} positions ne pèsent rien dans la 3MAO.")
    return ri, n * ri / ri_sum


def _pairs(positive: np.ndarray, negative: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convergence and divergence matrices (symmetric, diagonal 0) for intensities W (actors × objectives).

    (P∘W · Pᵀ)_ik sums W_ij over the objectives where both i and k are positive; adding its transpose
    gives W_ij + W_kj on each of them, hence the halving: the mean intensity of the two positions.
    """
    pw, nw = positive * W, negative * W
    conv = pw @ positive.T + nw @ negative.T
    div = pw @ negative.T + nw @ positive.T
    conv, div = (conv + conv.T) / 2, (div + div.T) / 2  # IEEE addition commutes: exactly symmetric
    np.fill_diagonal(conv, 0)
    np.fill_diagonal(div, 0)
    return conv, div


def _edges(kind: str, level: int, matrix: np.ndarray) -> tuple:
    """Pairs i < k (MID order) with a non-zero value, strongest first (ties keep the MID order)."""
    a, b = np.triu_indices(len(matrix), 1)
    values = matrix[a, b].astype(float)
    keep = values > 0
    order = np.argsort(-values[keep], kind="stable")
    a, b, values = a[keep][order], b[keep][order], values[keep][order]
    normalised = values / values[0] if len(values) else values
    return kind, level, a, b, values, normalised


def _edge_table(parts: list[tuple], actors: pd.Index) -> pd.DataFrame:
    """One DataFrame for all the graphs (cheaper than concatenating one frame per graph)."""
    sizes = [len(part[2]) for part in parts]
    a = np.concatenate([part[2] for part in parts])
    b = np.concatenate([part[3] for part in parts])
    return pd.DataFrame({
        "kind": np.repeat([part[0] for part in parts], sizes).astype(object),
        "level": np.repeat([part[1] for part in parts], sizes).astype(np.int64),
        "actor_a": actors[a],
        "actor_b": actors[b],
        "intensity": np.concatenate([part[4] for part in parts]),
        "normalised": np.concatenate([part[5] for part in parts]),
    })


def _percent(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    out = np.full(len(part), np.nan)
    defined = whole > 0
    out[defined] = 100 * part[defined] / whole[defined]
    return out


def _sectors(high_influence: np.ndarray, high_dependence: np.ndarray) -> np.ndarray:
    return np.where(high_influence, np.where(high_dependence, "relais", "dominant"),
                    np.where(high_dependence, "dominé", "autonome"))


def _position_warnings(A, actors, objectives, warnings):
    idle = ~A.any(axis=0)
    if idle.any():
        subject, verb = _plural(idle, ("L'objectif", "ne concerne"), ("Les objectifs", "ne concernent"))
        warnings.append(f"{subject} {_quoted(objectives[idle])} {verb} aucun acteur (colonne à 0 dans la 2MAO) : "
                        "ni convergence, ni divergence, ni mobilisation.")
    neutral = ~A.any(axis=1)
    if neutral.any():
        subject, verb = _plural(neutral, ("L'acteur", "est neutre"), ("Les acteurs", "sont neutres"))
        warnings.append(f"{subject} {_quoted(actors[neutral])} {verb} sur tous les objectifs (ligne à 0 dans la "
                        "2MAO) : ni convergence ni divergence avec les autres.")


def _plural(mask: np.ndarray, one: tuple, many: tuple) -> tuple:
    return one if mask.sum() == 1 else many


def _quoted(labels) -> str:
    shown = [f"« {label} »" for label in labels]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " et " + shown[-1]



# ---------------------------------------------------------------------------------------------------------
# Reading and checking the two tables.
# ---------------------------------------------------------------------------------------------------------
def _read_inputs(mid, mao) -> tuple[pd.Index, pd.Index, np.ndarray, np.ndarray]:
    """Check both tables; return (actors, objectives, MID int64, 2MAO int64 in the MID's actor order)."""
    for name, frame in (("mid", mid), ("mao", mao)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"mactor expects a pandas DataFrame as {name}, not {type(frame).__name__}")
    n_rows, n_cols = mid.shape
    if n_rows != n_cols:
        raise KitError(f"La matrice des influences directes (MID) doit être carrée : elle a {n_rows} ligne(s) "
                       f"pour {n_cols} colonne(s).")
    if n_rows < 2:
        raise KitError(f"Il faut au moins 2 acteurs pour analyser leur jeu (la MID en a {n_rows}).")
    _no_duplicates(_MID, (("ligne", mid.index), ("colonne", mid.columns)), "Chaque acteur")
    if not mid.index.equals(mid.columns):
        raise KitError(
            "Les lignes et les colonnes de la MID doivent porter les mêmes acteurs, dans le même ordre.",
            details=[f"position {i} : ligne « {r} », colonne « {c} »"
                     for i, (r, c) in enumerate(zip(mid.index, mid.columns), 1) if r != c],
        )
    actors = mid.index
    if mao.shape[1] == 0:
        raise KitError("La matrice des positions des acteurs sur les objectifs (2MAO) ne contient aucun "
                       "objectif : ajoutez au moins une colonne.")
    _no_duplicates(_MAO, (("ligne", mao.index),), "Chaque acteur")
    _no_duplicates(_MAO, (("colonne", mao.columns),), "Chaque objectif")
    if not mao.index.equals(actors):
        missing = [f"« {a} » est dans la MID mais pas dans la 2MAO" for a in actors if a not in mao.index]
        extra = [f"« {a} » est dans la 2MAO mais pas dans la MID" for a in mao.index if a not in actors]
        if missing or extra:
            raise KitError("La 2MAO doit porter en ligne les mêmes acteurs que la MID.", details=missing + extra)
        mao = mao.loc[actors]  # same actors in another order: follow the MID

    M, mid_problems = _read_cells(mid, 0, 4, _MID, diagonal=True)
    A, mao_problems = _read_cells(mao, -4, 4, _MAO, diagonal=False)
    problems = mid_problems + mao_problems
    if problems:
        shown = problems[:MAX_DETAILS]
        if len(problems) > MAX_DETAILS:
            shown.append(f"… et {len(problems) - MAX_DETAILS} autre(s) cellule(s)")
        raise KitError(f"{len(problems)} cellule(s) à corriger (MID : entiers de 0 à 4, diagonale à 0 ; "
                       "2MAO : entiers de -4 à +4).", details=shown)
    return actors, mao.columns, M, A


def _no_duplicates(matrix: str, axes, who: str) -> None:
    if not any(axis.has_duplicates for _, axis in axes):
        return
    duplicates = [
        f"{matrix} : « {label} » apparaît {count} fois en {where}"
        for where, axis in axes
        for label, count in pd.Series(axis).value_counts(sort=False).items()
        if count > 1
    ]
    if duplicates:
        place = "ligne et en colonne" if len(axes) == 2 else axes[0][0]
        raise KitError(f"{who} doit apparaître une seule fois en {place} de la {matrix}.", details=duplicates)


def _read_cells(frame: pd.DataFrame, low: int, high: int, matrix: str, diagonal: bool):
    """Integer values of a table and the French description of each faulty cell (row-major order)."""
    n_rows, n_cols = frame.shape
    flat = frame.to_numpy(dtype=object).ravel()
    if all(dtype.kind in "iu" for dtype in frame.dtypes) or all(
            issubclass(t, _NUMBERS) and not issubclass(t, bool | np.bool_) for t in set(map(type, flat))):
        # Only numbers (the usual case): no text to parse. NaN means 0, like a blank cell.
        number = flat.astype(float)
        blank = np.isnan(number)
        number[blank] = 0
    else:
        # Whole-table string operations rather than a Python loop over the cells.
        cells = pd.Series(flat)
        missing = cells.isna().to_numpy()
        text = cells.where(~missing, "").astype(str).str.strip().str.replace("\u2212", "-", regex=False)
        blank = missing | (text == "").to_numpy()
        number = pd.to_numeric(text.where(~blank, "0"), errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        integral = np.isfinite(number) & (number == np.round(number))
    on_scale = integral & (number >= low) & (number <= high)
    values = np.where(on_scale, number, 0).astype(np.int64).reshape(n_rows, n_cols)
    on_scale = on_scale.reshape(n_rows, n_cols)
    off_diagonal = np.eye(n_rows, dtype=bool) & on_scale & (values != 0) if diagonal else np.zeros_like(on_scale)
    problems = []
    scale = f"de {low} à {high}" if low == 0 else f"de {low} à +{high}"
    for i, j in np.argwhere(~on_scale | off_diagonal):  # only the faulty cells, usually none
        where = f"{matrix}, ligne « {frame.index[i]} », colonne « {frame.columns[j]} »"
        value = frame.iat[i, j]
        shown = shown_value(value)
        k = i * n_cols + j
        if on_scale[i, j]:
            problems.append(f"{where} : {shown} sur la diagonale — un acteur n'agit pas sur lui-même, mettez 0")
        elif np.isnan(number[k]) or isinstance(value, bool | np.bool_):
            problems.append(f"{where} : {shown} n'est pas un nombre (attendu : un entier {scale})")
        elif not integral[k]:
            problems.append(f"{where} : {shown} n'est pas un entier (attendu : un entier {scale})")
        else:
            problems.append(f"{where} : {shown} est hors de l'échelle (attendu : un entier {scale})")
    return values, problems
