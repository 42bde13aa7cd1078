"""The pure domain of negotiated terms: standard library only, no web, no database."""

from terms.errors import AmendmentInvalid, TermsError, TermsInvalid
from terms.model import Term, TermsVersion

__all__ = ["AmendmentInvalid", "Term", "TermsError", "TermsInvalid", "TermsVersion"]
