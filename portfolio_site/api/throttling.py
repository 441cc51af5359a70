"""Throttles whose rates are read on every request (not frozen at import time).

DRF's SimpleRateThrottle copies DEFAULT_THROTTLE_RATES into a class attribute when it is
first imported, so a test or a settings override could not change it later; these read
`api_settings` (which DRF reloads when REST_FRAMEWORK changes). A rate of None turns the
throttle off. Rates come from the environment: API_ANON_RATE, API_USER_RATE.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _LiveRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_LiveRate, AnonRateThrottle):
    pass


class UserThrottle(_LiveRate, UserRateThrottle):
    pass
