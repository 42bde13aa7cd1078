"""Kickoff meetings as plain values: business calendar, availability, slot search, invitations.

Pure domain code: the standard library, ``holidays`` and ``icalendar`` only. No clock is read
here; callers pass ``now`` and DTSTAMP.
"""
