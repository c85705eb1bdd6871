"""The :86: text of a transaction, decoded (see ``structured86.py``)."""

from dataclasses import dataclass, field


@dataclass(slots=True)
class Details:
    """The :86: text of a transaction, decoded into fields.

    ``variant`` says how it was read: ``"polish"`` (``^NN``, ``~NN`` or
    ``<NN`` sub-fields), ``"german"`` (``?NN`` sub-fields, GVC code),
    ``"mbank"`` (labelled text: ``Z RACH.:``, ``OD:``, ``TYT.:``),
    ``"plain"`` (free text) or ``"empty"`` (no :86:).
    """

    variant: str
    raw: str = ""  # the :86: lines as in the file, joined by "\n"
    code: str | None = None  # Polish transaction code / German GVC
    description: str | None = None  # ^00 / ?00 posting text
    title: str | None = None  # payment title (remittance information)
    counterparty_name: str | None = None
    counterparty_address: str | None = None
    counterparty_account: str | None = None  # as given, spaces removed
    counterparty_iban: str | None = None  # when the account is (or makes) an IBAN
    counterparty_bank_code: str | None = None  # sort code or BIC
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    creditor_id: str | None = None
    separator: str | None = None  # "^", "~", "<" or "?" for structured text
    profile: str | None = None  # the per-bank sub-field mapping used
    # Sub-field number -> text, and SEPA keywords (EREF, KREF, MREF, CRED,
    # SVWZ, ABWA, ...) -> text, for the glue's own mapping if it needs more.
    subfields: dict = field(default_factory=dict)
    references: dict = field(default_factory=dict)


EMPTY_DETAILS = Details("empty")
