"""File objects for the batch tests, including one that is never wholly in memory."""

import io
from collections.abc import Iterable, Iterator


class GeneratedFile(io.RawIOBase):
    """A read-only binary file whose bytes come from an iterator of chunks, as they are read."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._pending = b""
        self.bytes_served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.bytes_served += size
        return size


def generated(chunks: Iterable[bytes]) -> tuple[io.BufferedReader, GeneratedFile]:
    raw = GeneratedFile(chunks)
    return io.BufferedReader(raw, buffer_size=64 * 1024), raw


def stream(data: bytes | str) -> io.BytesIO:
    return io.BytesIO(data.encode() if isinstance(data, str) else data)
