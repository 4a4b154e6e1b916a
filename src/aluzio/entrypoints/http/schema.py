"""The wire format: msgspec structs with camelCase field names."""

from __future__ import annotations

import msgspec


class WireStruct(msgspec.Struct, rename="camel", forbid_unknown_fields=False):
    """Base of every request and response body."""
