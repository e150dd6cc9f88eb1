"""Build the reference geography of Nouvelle-Aquitaine (EPCIs and communes).

Maintainer's command, never run by the apps:

    python scripts/build_geography.py

It downloads a pinned version of the npm package ``@etalab/decoupage-administratif``
(official French geography, data under Licence Ouverte 2.0) into a temporary folder,
and writes two small CSVs under ``data/geographie/``. The output only depends on the
pinned tarball, so running it twice gives identical files. See data/README.md.
"""

import base64
import csv
import hashlib
import json
import subprocess
import tarfile
import tempfile
import unicodedata
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
# 6.0.0 is the package's "2026" millésime. Bump both lines together (integrity comes
# from `npm view @etalab/decoupage-administratif@<version> dist.integrity`).
VERSION = "6.0.0"
INTEGRITY = "sha512-XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ=="
REGION = "75"  # Nouvelle-Aquitaine (code INSEE de région)

OUT_DIR = Path(__file__).resolve().parent.parent / "data" / "geographie"


def fetch_package(tmp: Path) -> dict[str, list]:
    """npm pack the pinned version, check its hash, return the parsed data/*.json."""
    # `npm pack` only downloads the tarball: no install step, no lifecycle scripts.
    out = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(tmp), "--json", "--ignore-scripts"],
        check=True, capture_output=True, text=True,
    )
    tarball = tmp / json.loads(out.stdout)[0]["filename"]
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if digest != INTEGRITY:  # a pinned version must never change under our feet
        raise SystemExit(f"Unexpected tarball hash for {PACKAGE}@{VERSION}: {digest}")
    data = {}
    with tarfile.open(tarball) as tar:
        for name in ("communes", "epci"):
            data[name] = json.load(tar.extractfile(f"package/data/{name}.json"))
    return data


def sort_key(text: str) -> str:
    # Plain str sorting would put "Égletons" after "Z" and quoted names first:
    # sort on the unaccented, lower-case letters and digits only.
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in ascii_text).split())


def build(data: dict[str, list]) -> tuple[list[dict], list[dict]]:
    # communes.json also lists former/delegated communes and municipal arrondissements:
    # only "commune-actuelle" rows are current communes.
    current = {c["code"]: c for c in data["communes"] if c["type"] == "commune-actuelle"}
    # communes.json carries no EPCI field: membership comes from epci.json "membres".
    epci_of = {m["code"]: e["code"] for e in data["epci"] for m in e["membres"]}

    communes = sorted(
        (
            {
                "code_insee": c["code"],
                "nom": c["nom"],
                "departement": c["departement"],
                "siren_epci": epci_of.get(c["code"], ""),
                "population": c.get("population", ""),
            }
            for c in current.values()
            if c["region"] == REGION
        ),
        key=lambda r: r["code_insee"],
    )

    in_region = {c["code_insee"] for c in communes}
    epcis = []
    for e in data["epci"]:
        codes = [m["code"] for m in e["membres"]]
        if not in_region.intersection(codes):
            continue
        # An EPCI may straddle a regional border (e.g. with Occitanie): list all its
        # départements and count all its member communes, not only the regional ones.
        depts = sorted({current[code]["departement"] for code in codes})
        epcis.append({
            "siren": e["code"],
            "nom": e["nom"],
            "type": e["type"],
            "population": e["populationMunicipale"],
            "departements": ";".join(depts),
            "nb_communes": len(codes),
        })
    epcis.sort(key=lambda r: (sort_key(r["nom"]), r["siren"]))
    return epcis, communes


def write_csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path.relative_to(OUT_DIR.parent.parent)}: {len(rows)} rows, {path.stat().st_size} bytes")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = fetch_package(Path(tmp))
    epcis, communes = build(data)
    print(f"source: {PACKAGE}@{VERSION}, region {REGION}")
    write_csv(OUT_DIR / "epci_nouvelle_aquitaine.csv", epcis)
    write_csv(OUT_DIR / "communes_nouvelle_aquitaine.csv", communes)
    orphans = [c["code_insee"] for c in communes if not c["siren_epci"]]
    if orphans:  # e.g. single-commune islands that belong to no EPCI
        print(f"warning: {len(orphans)} communes without EPCI: {', '.join(orphans)}")


if __name__ == "__main__":
    main()
