from . import test_webhook_event
from . import test_webhook_fallback
from . import test_webhook_receiver
from . import test_webhook_sandbox
