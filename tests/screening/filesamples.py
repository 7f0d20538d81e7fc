"""Sample files for file screening, built at run time. The EICAR test file is joined from two halves here so that
the repository never holds the signature itself."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

EICAR_HEAD = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
EICAR_TAIL = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PE = b"MZ\x90\x00" + b"\x00" * 56 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 120
MACHO = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 120
CLEAN_TEXT = "会员单位的年度自律报告。\nAnnual self-discipline report.\n".encode()
HASH_BANK_SAMPLE = b"%PDF-1.4\n% a document the file-hash bank knows as harmful\n%%EOF\n"


def eicar() -> bytes:
    return (EICAR_HEAD + EICAR_TAIL).encode("ascii")


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def nested_eicar_zip() -> bytes:
    """outer.zip -> docs/inner.zip -> eicar.com"""
    inner = zip_of({"readme.txt": CLEAN_TEXT, "eicar.com": eicar()})
    return zip_of({"readme.txt": CLEAN_TEXT, "docs/inner.zip": inner})


def zip_bomb(expanded: int = 256 * 1024 * 1024) -> bytes:
    """One member of ``expanded`` zero bytes, deflated to a few hundred KiB (written in streamed 1 MiB chunks)."""
    buffer = io.BytesIO()
    block = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("zeros.bin", "w") as member:
        for _ in range(expanded // len(block)):
            member.write(block)
    return buffer.getvalue()


def deep_zip(levels: int) -> bytes:
    data = CLEAN_TEXT
    for level in range(levels):
        data = zip_of({f"level{level}.zip" if level else "note.txt": data})
    return data


def tar_gz(members: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue())
