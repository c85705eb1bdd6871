from . import test_webhook_event
from . import test_webhook_receiver
