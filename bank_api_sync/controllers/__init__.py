from . import consent_return
