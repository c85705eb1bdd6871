"""Keeping the sandbox bank's consents and tokens across restarts.

A real bank remembers the consents it granted and the tokens it issued when
its servers restart; the sandbox embedded in Odoo restarts with Odoo. With a
state file, consents and refresh/access tokens are written after every
request that changes them and read back at start, so a connection made
yesterday still works today.
"""

import json
import os
import tempfile
from datetime import date, datetime

from .consents import SandboxConsent


def snapshot(bank) -> dict:
    return {
        "access": {t: at.isoformat() for t, at in bank.tokens._access.items()},
        "refresh": {t: at.isoformat() for t, at in bank.tokens._refresh.items()},
        "consents": [
            {
                "consent_id": c.consent_id,
                "access": c.access,
                "recurring": c.recurring,
                "valid_until": c.valid_until.isoformat(),
                "frequency_per_day": c.frequency_per_day,
                "combined": c.combined,
                "status": c.status,
                "created": c.created.isoformat(),
                "redirect_uri": c.redirect_uri,
                "nok_redirect_uri": c.nok_redirect_uri,
            }
            for c in bank.consents._consents.values()
        ],
    }


def restore(bank, data: dict):
    bank.tokens._access.update(
        {t: datetime.fromisoformat(at) for t, at in data.get("access", {}).items()}
    )
    bank.tokens._refresh.update(
        {t: datetime.fromisoformat(at) for t, at in data.get("refresh", {}).items()}
    )
    for item in data.get("consents", []):
        consent = SandboxConsent(
            **{
                **item,
                "valid_until": date.fromisoformat(item["valid_until"]),
                "created": date.fromisoformat(item["created"]),
            }
        )
        bank.consents._consents[consent.consent_id] = consent


def load(bank, path):
    try:
        with open(path, encoding="utf-8") as handle:
            restore(bank, json.load(handle))
    except FileNotFoundError:
        return
    except (ValueError, KeyError, TypeError):
        # A damaged file is a lost bank memory, not a crash: start afresh.
        return


def save(bank, path):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=directory, delete=False, encoding="utf-8"
    ) as handle:
        json.dump(snapshot(bank), handle)
    os.replace(handle.name, path)
