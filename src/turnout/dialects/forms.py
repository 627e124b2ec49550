"""Form bodies as the dialects read them (products that post forms, not JSON)."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import FormData

from turnout.core.errors import InvalidParameter

# The documented forms have a handful of fields and no files.
MAX_FORM_FIELDS = 50


async def read_form(request: Request) -> FormData:
    """The parsed form, or a 400 on `body` when it cannot be parsed."""
    try:
        return await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    except Exception:
        raise InvalidParameter.for_field("body", "format", "the form cannot be read") from None
