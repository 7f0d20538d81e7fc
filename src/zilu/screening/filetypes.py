"""File types told by content, never by name: executables (PE, ELF, Mach-O, Java class, Dalvik), scripts (``#!``),
archives and what the ``filetype`` package knows; and whether a file's name claims another type than its content.

Part of the engine: imports nothing from Django or the platform.
"""

from __future__ import annotations

import struct
from typing import NamedTuple

import filetype


class FileType(NamedTuple):
    """What the content shows: mime type, usual extension, category."""

    mime: str | None
    extension: str | None
    category: str  # "executable", "script", "archive", "other"


_ARCHIVES = {"zip": "zip", "tar": "tar", "gz": "gz"}
# filetype reports these as executables; the rest of its "application" matchers are documents and archives
_FILETYPE_EXECUTABLES = {"exe", "elf", "dex", "class"}


def identify(head: bytes) -> FileType:
    """The type of a file from its first bytes (4 KiB are plenty): mime, usual extension and category."""
    if head.startswith(b"MZ") and len(head) >= 64:
        return FileType("application/vnd.microsoft.portable-executable", "exe", "executable")
    if head.startswith(b"\x7fELF"):
        return FileType("application/x-executable", "elf", "executable")
    if head[:4] in {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"}:
        return FileType("application/x-mach-binary", "macho", "executable")
    if head[:4] == b"\xca\xfe\xba\xbe" and len(head) >= 8:
        # A fat Mach-O binary counts its architectures (a few); a Java class has its version there (major >= 45).
        (second,) = struct.unpack(">I", head[4:8])
        if second < 45:
            return FileType("application/x-mach-binary", "macho", "executable")
        return FileType("application/java-vm", "class", "executable")
    if head.startswith(b"dex\n"):
        return FileType("application/vnd.android.dex", "dex", "executable")
    if head.startswith(b"#!"):
        return FileType("text/x-script", "sh", "script")
    kind = filetype.guess(head)
    if kind is None:
        if len(head) >= 262 and head[257:262] == b"ustar":
            return FileType("application/x-tar", "tar", "archive")
        return FileType(None, None, "other")
    extension = str(kind.extension)
    if extension in _FILETYPE_EXECUTABLES:
        return FileType(str(kind.mime), extension, "executable")
    return FileType(str(kind.mime), extension, "archive" if extension in _ARCHIVES else "other")


_SAME = [
    {"jpg", "jpeg", "jpe", "jfif"},
    {"tif", "tiff"},
    {"exe", "dll", "sys", "scr", "cpl", "ocx", "efi"},
    {"elf", "so"},
    {"macho", "dylib", "bundle"},
    {"gz", "tgz", "gzip"},
    {"zip", "docx", "xlsx", "pptx", "jar", "apk", "odt", "ods", "odp", "epub", "xpi", "aab", "ipa", "war"},
    {"sh", "bash", "py", "pl", "rb", "zsh", "ksh", "command", "js", "mjs", "php"},
    {"mp4", "m4v", "m4a", "mov"},
    {"html", "htm", "xhtml"},
]
_EQUIVALENT = {ext: group for group in _SAME for ext in group}
_TEXT_EXTENSIONS = {"txt", "csv", "tsv", "md", "json", "xml", "log", "yaml", "yml", "toml", "ini", "html", "htm", "svg"}


def name_mismatch(name: str | None, detected: FileType) -> str | None:
    """Why the name's extension contradicts the content, or None."""
    if not name or "." not in name.rsplit("/", 1)[-1]:
        return None
    claimed = name.rsplit(".", 1)[-1].lower()
    if not claimed or len(claimed) > 10:
        return None
    if detected.extension is None:
        if claimed in _TEXT_EXTENSIONS or claimed not in _KNOWN_BINARY:
            return None
        return f"named .{claimed} but the content is not a {claimed.upper()} file"
    if claimed == detected.extension or detected.extension in _EQUIVALENT.get(claimed, ()):
        return None
    if claimed == "tar" and detected.extension in {"gz", "bz2", "xz"}:
        return None
    return f"named .{claimed} but the content is {detected.mime}"


_KNOWN_BINARY = {m.extension for m in filetype.TYPES} | set(_EQUIVALENT)
