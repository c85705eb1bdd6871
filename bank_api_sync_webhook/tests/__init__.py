from . import test_webhook_cross_company
from . import test_webhook_event
from . import test_webhook_fallback
from . import test_webhook_receiver
from . import test_webhook_rejections
