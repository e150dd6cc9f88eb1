"""The apps' inputs refuse rather than correct: numbers outside the model's range or not numbers at all,
dates the browser could not read, files over their limit (the upload's Python side, fed as the browser
feeds it)."""

from datetime import date

import pytest

from kit.apps.inputs import DateInput, bounds, checked_date, checked_number, finite_or_none
from kit.apps.upload import Upload
from kit.errors import KitError
from kit.model import BudgetLine, Vision
from kit.reports.formatting import THOUSANDS

MB = 1024 * 1024


def test_bounds_come_from_the_model():
    assert bounds(BudgetLine, "amount") == (0, 1e10)
    assert bounds(BudgetLine, "year") == (2000, 2100)
    assert bounds(Vision, "horizon") == (2024, 2100)
    assert bounds(BudgetLine, "funder") == (None, None)


@pytest.mark.parametrize("value, words", [
    (-5, "Montant : \u22125 € n'est pas possible, indiquez une valeur de 0 € à 10" + THOUSANDS + "000"),
    (1e20, "Montant : 100" + THOUSANDS + "000"),
    (float("nan"), "Montant : « nan » n'est pas un nombre"),
    (float("inf"), "« inf » n'est pas un nombre"),
    (None, "n'est pas un nombre"),
])
def test_an_amount_out_of_range_or_not_a_number_is_refused_naming_the_field(value, words):
    with pytest.raises(KitError, match="Rien n'a été enregistré|rien n'a été enregistré") as refused:
        checked_number(value, BudgetLine, "amount", unit="€")
    assert words in refused.value.message


def test_a_year_is_written_as_a_year_and_a_good_value_passes():
    with pytest.raises(KitError) as refused:
        checked_number(1999, BudgetLine, "year")
    assert "Année : 1999 n'est pas possible, indiquez une valeur de 2000 à 2100." in refused.value.message
    assert checked_number(2027, BudgetLine, "year") == 2027
    assert checked_number(0, BudgetLine, "amount") == 0
    assert finite_or_none(None, "Cible") is None and finite_or_none(2.5, "Cible") == 2.5
    with pytest.raises(KitError, match="Cible : « -inf »"):
        finite_or_none(float("-inf"), "Cible")


def test_an_unreadable_date_is_refused_and_a_date_typed_over_it_is_taken():
    box = DateInput(description="Début")
    assert checked_date(box, "La date de début") is None  # empty: no date, on purpose
    box.set_state({"value": None, "unreadable": True})  # what the browser sends for 31/02/2027
    with pytest.raises(KitError, match="La date de début n'est pas une date qui existe"):
        checked_date(box, "La date de début")
    box.set_state({"value": "2027-02-28", "unreadable": False})
    assert checked_date(box, "La date de début") == date(2027, 2, 28)
    box.unreadable = True
    box.value = date(2027, 3, 1)  # a date set by the app replaces what the box held
    assert not box.unreadable and box.get_state()["value"] == "2027-03-01"
    with pytest.raises(KitError, match="pas plausible"):
        checked_date(date(1999, 1, 1), "L'échéance")


def upload():
    return Upload(accept=".csv,.zip", limits={"": (20 * MB, " pour un tableau"), ".zip": (50 * MB, " pour une archive")})


def send(widget, content, buffers=()):
    widget._handle_custom_msg(content, list(buffers))  # as the browser's messages arrive


def test_a_file_within_its_limit_arrives_in_chunks_as_file_upload_gave_it():
    widget, received, refused = upload(), [], []
    widget.observe(lambda change: received.append(change["new"]), names="value")
    widget.on_refused(refused.append)
    data = b"code_qp;pauvrete\nQN03301M;41,2\n" * 1000
    send(widget, {"kind": "start", "id": "a", "name": "Mes données.CSV", "size": len(data), "type": "text/csv",
                  "last_modified": 1})
    assert "Réception" in widget.status
    for start in range(0, len(data), 4096):
        send(widget, {"kind": "chunk", "id": "a"}, [memoryview(data[start:start + 4096])])
    send(widget, {"kind": "end", "id": "a"})
    (file,) = received[-1]
    assert bytes(file["content"]) == data and file["name"] == "Mes données.CSV" and file["size"] == len(data)
    assert widget.status == "" and refused == []
    send(widget, {"kind": "start", "id": "b", "name": "x.csv", "size": 3, "type": ""})
    send(widget, {"kind": "chunk", "id": "b"}, [b"abc"])
    send(widget, {"kind": "end", "id": "b"})
    send(widget, {"kind": "start", "id": "c", "name": "x.csv", "size": 3, "type": ""})
    send(widget, {"kind": "chunk", "id": "c"}, [b"abc"])
    send(widget, {"kind": "end", "id": "c"})
    assert [bytes(v[0]["content"]) for v in received if v] == [data, b"abc", b"abc"]  # the same file twice


def test_a_file_over_its_limit_is_refused_in_french_with_the_limit_of_its_kind():
    widget, received, refused = upload(), [], []
    widget.observe(lambda change: received.append(change["new"]), names="value")
    widget.on_refused(refused.append)
    send(widget, {"kind": "refused", "name": "enorme.csv", "size": 120 * MB})  # the browser read nothing
    assert refused == [widget.status] and widget.status_kind == "error"
    assert widget.status.startswith("Fichier trop volumineux (120,0 Mo) : 20 Mo au plus pour un tableau.")
    assert widget.max_bytes == {"": 20 * MB, ".zip": 50 * MB}  # what the browser checks
    assert widget.limit_for("QPV.ZIP") == (50 * MB, " pour une archive")
    # A browser that did not check is refused here all the same, and what it sends next is dropped.
    send(widget, {"kind": "start", "id": "z", "name": "insee.zip", "size": 60 * MB, "type": ""})
    assert "60,0 Mo) : 50 Mo au plus pour une archive" in widget.status
    send(widget, {"kind": "chunk", "id": "z"}, [b"x" * 10])
    send(widget, {"kind": "end", "id": "z"})
    assert received == []


def test_a_stream_longer_or_shorter_than_announced_is_refused():
    widget, refused = upload(), []
    widget.on_refused(refused.append)
    send(widget, {"kind": "start", "id": "a", "name": "a.csv", "size": 4})
    send(widget, {"kind": "chunk", "id": "a"}, [b"abcdef"])
    send(widget, {"kind": "end", "id": "a"})
    send(widget, {"kind": "start", "id": "b", "name": "b.csv", "size": 4})
    send(widget, {"kind": "chunk", "id": "b"}, [b"ab"])
    send(widget, {"kind": "end", "id": "b"})
    assert widget.value == () and len(refused) == 2
    assert "plus gros qu'annoncé" in refused[0] and "pas arrivé en entier" in refused[1]


def test_every_upload_of_the_apps_is_refused_over_its_own_limit_and_says_so_in_the_app(store):
    import ipywidgets as w

    from kit.apps.accueil import HomeApp
    from kit.apps.action import ActionApp
    from kit.apps.enjeux import StakesApp
    from kit.demo import create_demo
    from kit.reference.indicators import MAX_ARCHIVE_BYTES, MAX_TABLE_BYTES
    from kit.reference.contours import MAX_BYTES as MAX_CONTOURS_BYTES
    from kit.reports.action_plan_reading import MAX_FILE_BYTES as MAX_WORKBOOK_BYTES
    from kit.store import MAX_FILE_BYTES
    from tests.unit.test_home_app import find_all

    ws = create_demo(store)
    before = store.path(ws.id).read_bytes()
    expected = {HomeApp: [{"": MAX_FILE_BYTES}],
                StakesApp: [{"": MAX_TABLE_BYTES, ".zip": MAX_ARCHIVE_BYTES}, {"": MAX_CONTOURS_BYTES}],
                ActionApp: [{"": MAX_WORKBOOK_BYTES}]}
    for kind, limits in expected.items():
        app = kind(store, ws.id)
        if kind is StakesApp:
            from tests.unit.test_enjeux_app import opened

            opened(app)  # its uploads are in panels built when opened
        assert find_all(app.root, w.FileUpload) == []  # it would send a file of any size, whole
        widgets = find_all(app.root, Upload)
        assert sorted((widget.max_bytes for widget in widgets), key=str) == sorted(limits, key=str)
        for widget in widgets:
            app.messages.clear()
            send(widget, {"kind": "refused", "name": "enorme.json", "size": 120 * MB})
            assert "Fichier trop volumineux (120,0 Mo)" in app.messages.widget.value
    assert store.path(ws.id).read_bytes() == before
