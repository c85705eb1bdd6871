"""The engine's sentences stay English for plain Python and render in another
language from their templates (what the Odoo glue does with its .po files)."""

import json
from datetime import date, datetime

from bank_api_sync.core.matching import MatchRule, Signal
from bank_api_sync.core.matching.texts import (
    Joined,
    _lt,
    from_source,
    render,
    to_source,
)

from .factories import ACME, invoice, line, match

POLISH = {
    "invoice %(document)s quoted in the title": "faktura %(document)s w tytule",
    "amount equal": "kwota zgodna",
    "%(count)s open items have the amount %(amount)s %(currency)s and the title "
    "names none of them": "%(count)s otwarte pozycje mają kwotę %(amount)s "
    "%(currency)s, a tytuł nie wskazuje żadnej",
    "not automatic: %(why)s": "nie automatycznie: %(why)s",
}


def test_a_reason_is_english_and_renders_in_another_language():
    target = invoice("FV/2026/11/0012", "1230.00")
    rule = MatchRule(signals=frozenset({Signal.INVOICE_NUMBER}))
    result = match([target], line("1230.00", "Zapłata FV/2026/11/0012"), rule)

    reason = result.best.reason
    assert reason == "invoice FV/2026/11/0012 quoted in the title; amount equal"
    assert render(reason, POLISH.get) == (
        "faktura FV/2026/11/0012 w tytule; kwota zgodna"
    )


def test_notes_render_with_their_nested_sentences():
    twins = [
        invoice("FV/2026/11/0040", "500.00", partner=ACME),
        invoice("FV/2026/11/0041", "500.00", partner=ACME),
    ]
    result = match(twins, line("500.00", "Zapłata", partner_id=ACME), MatchRule())

    rendered = [render(note, POLISH.get) for note in result.notes]

    tie = "2 otwarte pozycje mają kwotę 500.00 PLN, a tytuł nie wskazuje żadnej"
    assert rendered[0] == tie
    assert rendered[1].startswith("nie automatycznie: confidence 0.87")
    assert f"; {tie}; " in rendered[1]


def test_an_untranslated_or_broken_translation_falls_back_to_english():
    text = _lt("open item %(document)s", document="FV/1")
    assert render(text, {}.get) == "open item FV/1"
    broken = {"open item %(document)s": "pozycja %(numer)s"}
    assert render(text, broken.get) == "open item FV/1"
    assert render("FV/1", broken.get) == "FV/1"


def test_a_stored_reason_reads_back_in_the_readers_language_and_numbers():
    # Stored as JSON (what Odoo keeps), read back by a Polish reader: the
    # Polish template and the Polish number format, whoever ran the matching.
    target = invoice("FV/2026/11/0012", "1500.00")
    result = match([target], line("1332.49", "Zapłata FV/2026/11/0012"), MatchRule())
    reason = result.best.reason
    assert "partial payment: 1332.49 of 1500.00 PLN" in reason

    source = json.loads(json.dumps(to_source(reason)))
    polish = {
        "partial payment: %(paid)s of %(residual)s %(currency)s": (
            "płatność częściowa: %(paid)s z %(residual)s %(currency)s"
        )
    }

    def polish_number(amount):
        return f"{amount:,.2f}".replace(",", " ").replace(".", ",")

    read_back = render(from_source(source), {**POLISH, **polish}.get, polish_number)
    assert read_back == (
        "faktura FV/2026/11/0012 w tytule; płatność częściowa: 1 332,49 z "
        "1 500,00 PLN"
    )
    assert from_source(source) == reason


def test_texts_written_before_read_back_as_they_were():
    assert from_source("kwota zgodna") == "kwota zgodna"
    notes = Joined("\n", [_lt("amount equal"), "typed by hand"])
    assert render(from_source(to_source(notes)), POLISH.get) == (
        "kwota zgodna\ntyped by hand"
    )


def test_dates_and_times_are_stored_as_such_and_shown_in_the_readers_format():
    went_live = _lt(
        "Went live on %(when)s; consent valid until %(date)s.",
        when=datetime(2026, 12, 4, 16, 41),
        date=date(2027, 3, 1),
    )
    source = json.loads(json.dumps(to_source(went_live)))
    assert source["values"] == {
        "when": {"datetime": "2026-12-04T16:41:00"},
        "date": {"date": "2027-03-01"},
    }

    def polish_format(value):
        return value.strftime(
            "%d.%m.%Y %H:%M" if isinstance(value, datetime) else "%d.%m.%Y"
        )

    assert render(from_source(source), {}.get, polish_format) == (
        "Went live on 04.12.2026 16:41; consent valid until 01.03.2027."
    )
    # Plain Python reads them in ISO form.
    assert render(from_source(source), {}.get) == (
        "Went live on 2026-12-04 16:41:00; consent valid until 2027-03-01."
    )
