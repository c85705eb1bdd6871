"""The engine's sentences stay English for plain Python and render in another
language from their templates (what the Odoo glue does with its .po files)."""

from bank_api_sync.core.matching import MatchRule, Signal
from bank_api_sync.core.matching.texts import _lt, render

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
