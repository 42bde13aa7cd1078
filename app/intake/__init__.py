"""Order intake: documents and batch files in, raw order dicts (the API's JSON shape) out.

Pure code: no Flask, no database and no other ``app`` module; the service validates and checks
what these readers return exactly as it does a JSON order.
"""

from app.intake.batch import BatchItem, detect_format, read_csv, read_jsonl
from app.intake.errors import IntakeError
from app.intake.ubl import MAX_XML_BYTES, order_from_ubl

__all__ = [
    "MAX_XML_BYTES",
    "BatchItem",
    "IntakeError",
    "detect_format",
    "order_from_ubl",
    "read_csv",
    "read_jsonl",
]
