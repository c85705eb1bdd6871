from . import test_webhook_event
