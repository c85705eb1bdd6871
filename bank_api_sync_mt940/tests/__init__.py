from . import test_mt940_import
from . import test_mt940_journal_settings
from . import test_mt942_import
from . import test_mt940_matching
