from . import test_approval
from . import test_checks
from . import test_whitelist
from . import test_audit_trail
from . import test_files
from . import test_payment_order_ui
from . import test_chatter_language
