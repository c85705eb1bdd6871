from . import account_journal
