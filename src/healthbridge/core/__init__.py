"""The kernel: the root error, ids, clock and the Settings schema."""

from healthbridge.core.clock import Clock, SystemClock, utc_now
from healthbridge.core.errors import (
    ConfigError,
    ConflictError,
    HealthbridgeError,
    InvalidRequestError,
    NotFoundError,
    UnavailableError,
)
from healthbridge.core.ids import new_id
from healthbridge.core.settings import (
    CaptureSettings,
    MllpSettings,
    OdooSettings,
    ServerSettings,
    Settings,
    StoreSettings,
    load_settings,
)

__all__ = [
    "CaptureSettings",
    "Clock",
    "ConfigError",
    "ConflictError",
    "HealthbridgeError",
    "InvalidRequestError",
    "MllpSettings",
    "NotFoundError",
    "OdooSettings",
    "ServerSettings",
    "Settings",
    "StoreSettings",
    "SystemClock",
    "UnavailableError",
    "load_settings",
    "new_id",
    "utc_now",
]
