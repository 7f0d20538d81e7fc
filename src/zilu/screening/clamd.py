"""A minimal ClamAV daemon client: ``PING`` and ``INSTREAM`` over a unix socket or TCP.

Written here rather than taken from PyPI because the ``clamd`` and ``pyclamd`` packages are unmaintained (no release
since 2017-2019) and the part needed is small and fixed by clamd's protocol (``man clamd``): send
``zINSTREAM\\0``, then chunks each prefixed by its length as a 4-byte big-endian integer, then a zero length, and
read one NUL-terminated reply, ``stream: OK`` or ``stream: <signature> FOUND``. Like the rest of the engine it
imports nothing from Django.
"""

from __future__ import annotations

import socket
import struct

__all__ = ["Clamd", "ClamdError"]

CHUNK = 64 * 1024


class ClamdError(Exception):
    """The daemon could not be reached or answered with an error."""


class Clamd:
    """``Clamd("/run/clamav/clamd.ctl")`` (unix socket), ``Clamd("127.0.0.1:3310")`` or ``Clamd("tcp://host:3310")``."""

    def __init__(self, address: str, *, timeout: float = 30.0) -> None:
        self.address = address.strip()
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        address = self.address.removeprefix("unix://")
        try:
            if address.startswith("tcp://") or (":" in address and "/" not in address):
                host, _sep, port = address.removeprefix("tcp://").rpartition(":")
                return socket.create_connection((host.strip("[]"), int(port)), timeout=self.timeout)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(address)
            return sock
        except (OSError, ValueError) as exc:
            raise ClamdError(f"cannot connect to clamd at {self.address}: {exc}") from None

    @staticmethod
    def _reply(sock: socket.socket) -> str:
        data = b""
        while not data.endswith(b"\0"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
            if len(data) > 65536:
                raise ClamdError("clamd reply too long")
        return data.rstrip(b"\0").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        """Whether the daemon answers ``PONG``."""
        with self._connect() as sock:
            sock.sendall(b"zPING\0")
            return self._reply(sock) == "PONG"

    def version(self) -> str:
        with self._connect() as sock:
            sock.sendall(b"zVERSION\0")
            return self._reply(sock)

    def scan_bytes(self, data: bytes) -> str | None:
        """The signature name ClamAV finds in ``data``, or None when it finds nothing; ``ClamdError`` otherwise."""
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                view = memoryview(data)
                for start in range(0, len(view), CHUNK):
                    piece = view[start : start + CHUNK]
                    sock.sendall(struct.pack(">I", len(piece)) + piece.tobytes())
                sock.sendall(struct.pack(">I", 0))
                reply = self._reply(sock)
        except OSError as exc:
            raise ClamdError(f"clamd failed: {exc}") from None
        if reply.endswith("FOUND"):
            return reply.removeprefix("stream:").strip().removesuffix("FOUND").strip()
        if reply.endswith("OK"):
            return None
        raise ClamdError(f"clamd answered: {reply[:200]}")
