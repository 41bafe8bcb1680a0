"""HL7 v2, pure: a fast tokenizer, a typed message view, escape sequences and ACK building.

No I/O happens here; the MLLP listener and sender live in ``connectors.hl7v2``.
"""

from healthbridge.mappings.hl7v2.ack import (
    DEFAULT_VERSION,
    AckCode,
    AckError,
    ack_code_for,
    build_ack,
    hl7_timestamp,
)
from healthbridge.mappings.hl7v2.admin import (
    HL7_AUTHORITY_PREFIX,
    Hl7MappingError,
    PatientMerge,
    StaffUpdate,
    charges_from_dft,
    medical_record_number,
    patient_from_pid,
    patient_merge,
    staff_updates,
)
from healthbridge.mappings.hl7v2.delimiters import DEFAULT_DELIMITERS, Delimiters, read_delimiters
from healthbridge.mappings.hl7v2.errors import (
    ErrorCondition,
    ErrorLocation,
    Hl7Error,
    Hl7ParseError,
    Hl7UnsupportedMessageError,
)
from healthbridge.mappings.hl7v2.escaping import escape, unescape
from healthbridge.mappings.hl7v2.message import (
    KNOWN_VERSIONS,
    PROCESSING_IDS,
    Hl7Message,
    check_header,
    parse_message,
)
from healthbridge.mappings.hl7v2.paths import FieldPath, parse_path
from healthbridge.mappings.hl7v2.segment import Segment
from healthbridge.mappings.hl7v2.tokenizer import Tokens, decode, tokenize

__all__ = [
    "DEFAULT_DELIMITERS",
    "DEFAULT_VERSION",
    "HL7_AUTHORITY_PREFIX",
    "KNOWN_VERSIONS",
    "PROCESSING_IDS",
    "AckCode",
    "AckError",
    "Delimiters",
    "ErrorCondition",
    "ErrorLocation",
    "FieldPath",
    "Hl7Error",
    "Hl7MappingError",
    "Hl7Message",
    "Hl7ParseError",
    "Hl7UnsupportedMessageError",
    "PatientMerge",
    "Segment",
    "StaffUpdate",
    "Tokens",
    "ack_code_for",
    "build_ack",
    "charges_from_dft",
    "check_header",
    "decode",
    "escape",
    "hl7_timestamp",
    "medical_record_number",
    "parse_message",
    "parse_path",
    "patient_from_pid",
    "patient_merge",
    "read_delimiters",
    "staff_updates",
    "tokenize",
    "unescape",
]
