"""Benchmark 3 of bench/run.py: Store save/load of a large workspace against raw JSON I/O.

`Store.update` (one small edit, fsync'd atomic save) and `Store.load` of a workspace with 100 stakes,
200 actors, 400 relations and 150 actions; the floor, interleaved: json.dumps + write + fsync + rename +
folder fsync, and read + json.loads, of the same document. Target: median < STORE_MAX_MS each.
Run: python bench/bench_store.py [options of bench/run.py].
"""

from __future__ import annotations

import json
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import psutil

from kit.store import Store

from common import Scratch, line, median, ratio, record, target, timed

STORE_MAX_MS = 50


def big_workspace_fill(ws) -> None:
    """100 stakes, 200 actors, 400 relations, 150 actions with leads, partners and a DAG of dependencies."""
    from kit.model import Action, Actor, Neighbourhood, Relation, Stake

    rng = random.Random(42)  # the same document at every run
    quartiers = [Neighbourhood(name=f"Quartier {i}", qpv_code=f"QN999{i + 10:02d}A") for i in range(10)]
    ws.neighbourhoods = quartiers
    ws.stakes = [Stake(title=f"Enjeu {i}", statement="Un énoncé d'enjeu de quelques phrases. " * 4,
                       theme=rng.choice(["Chaleur", "Énergie", "Alimentation", "Nature en ville"]),
                       neighbourhood_ids=[q.id for q in rng.sample(quartiers, 2)],
                       importance=rng.randint(0, 10), control=rng.randint(0, 10)) for i in range(100)]
    ws.actors = [Actor(name=f"Acteur {i}", kind=rng.choice(["EPCI", "Commune", "Association", "Bailleur"]),
                       role="Son rôle dans le projet, en une phrase.") for i in range(200)]
    pairs = set()
    while len(pairs) < 400:
        a, b = rng.sample(ws.actors, 2)
        pairs.add((a.id, b.id))
    ws.relations = [Relation(source=a, target=b, intensity=rng.randint(1, 3)) for a, b in sorted(pairs)]
    actions: list[Action] = []
    for i in range(150):
        start = date(2026, 1, 1) + timedelta(days=rng.randint(0, 700))
        actions.append(Action(
            title=f"Fiche action {i}", description="Ce que l'action fait, pour qui, avec quels moyens. " * 3,
            lead_id=rng.choice(ws.actors).id, partner_ids=[a.id for a in rng.sample(ws.actors, rng.randint(0, 4))],
            start=start, end=start + timedelta(days=rng.randint(30, 300)),
            # Only earlier actions: the dependencies form a DAG.
            depends_on=[a.id for a in rng.sample(actions, min(len(actions), rng.randint(0, 3)))]))
    ws.actions = actions


def raw_save(path: Path, document: dict) -> None:
    """The floor of a durable save: serialise, write, fsync, rename, fsync the folder (as Store does)."""
    data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    temporary = path.with_name(f".{path.stem}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def run(scratch: Scratch, runs: int) -> None:
    store = Store(scratch.root / "store-espaces")
    ws = store.update(store.create("Grand espace de mesure").id, big_workspace_fill)
    path = store.path(ws.id)
    raw_folder = scratch.root / "raw"
    raw_folder.mkdir()
    raw_path = raw_folder / "floor.json"
    document = json.loads(path.read_bytes())
    counts = f"{len(ws.stakes)} stakes, {len(ws.actors)} actors, {len(ws.relations)} relations, {len(ws.actions)} actions"
    print(f"  workspace: {counts}; file {path.stat().st_size / 1024:.0f} KiB")
    updates, loads, raw_saves, raw_loads = [], [], [], []
    for i in range(runs):  # interleaved so that noise hits the kit and the floor alike
        updates.append(timed(lambda: store.update(ws.id, lambda w: setattr(w.stakes[0], "title", f"Enjeu {i}"))))
        raw_saves.append(timed(lambda: raw_save(raw_path, document)))
        loads.append(timed(lambda: store.load(ws.id)))
        raw_loads.append(timed(lambda: json.loads(raw_path.read_bytes())))
    print(line("Store.update (one small edit, saved)", updates))
    print(line("  floor: dumps+write+fsync+rename", raw_saves))
    print(line("Store.load", loads))
    print(line("  floor: read+json.loads", raw_loads))
    print(f"  ratio vs floor: update {ratio(updates, raw_saves):.1f}x, load {ratio(loads, raw_loads):.1f}x")
    print(f"  temp folder on {filesystem(scratch.root)} (fsync on tmpfs would cost nothing)")
    for name, values in (("Store.update", updates), ("Store.load", loads)):
        m = median(values) * 1000
        record(f"{name}: median {m:.1f} ms (target < {STORE_MAX_MS} ms) {target(m < STORE_MAX_MS)}")


def filesystem(path: Path) -> str:
    best = ("?", "")
    for part in psutil.disk_partitions(all=True):
        if str(path).startswith(part.mountpoint) and len(part.mountpoint) >= len(best[1]):
            best = (part.fstype, part.mountpoint)
    return f"{best[0]} ({best[1]})"


if __name__ == "__main__":
    from run import main

    sys.exit(main(["--only", "store", *sys.argv[1:]]))
