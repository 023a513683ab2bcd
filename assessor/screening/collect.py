"""Turning the paths and uploads a user gives into sources to screen, one per file.

Folders are walked recursively; zips are opened in memory and never extracted to disk. Only
regular files are read: a pipe, device or socket could block a read forever or never end, and a
symbolic link is followed only when it stays inside the folder given (a link to /etc/passwd in a
submissions folder is refused, not hashed into the register). A zip
that could exhaust memory (too many members, too large in total, a member that expands far
beyond its compressed size) or that names a member outside itself (`../`, an absolute path)
is refused whole: its row says why, and the rest of the batch goes on.
"""

from __future__ import annotations

import errno
import functools
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..i18n import os_error_values
from ..intake.json_file import NotRegularFile, read_regular_file
from .reasons import Reason

# Suffixes screened; anything else in a folder is skipped silently (a README next to the files
# is not a submission), but a file named explicitly is screened and, if unknown, reported.
SCREENED_SUFFIXES = frozenset({".json", ".xlsx", ".xlsm", ".pdf", ".zip"})
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What one archive may hold; a larger or denser one is refused as a possible zip bomb."""

    max_members: int = 20_000
    max_total_bytes: int = 1024 * 1024 * 1024
    max_member_bytes: int = MAX_FILE_BYTES
    # A JSON ledger compresses well (about 30:1); a bomb compresses by 1000:1 and more.
    max_ratio: int = 200
    # Tiny members may show large ratios harmlessly; the ratio is checked above this size.
    ratio_floor_bytes: int = 64 * 1024


@dataclass(frozen=True, slots=True)
class Source:
    """One file to screen: on disk (`path`), a member of a zip on disk (`path` + `member`,
    read only when screened, so a large archive is never held in memory whole), or already
    in memory (`data`, for uploads)."""

    label: str
    path: str | None = None
    data: bytes | None = field(default=None, repr=False)
    member: str | None = None
    member_size: int = 0

    @property
    def suffix(self) -> str:
        # os.path.splitext takes ".json" from "a.json" as PurePosixPath does, at a tenth of the cost
        suffix = os.path.splitext(self.label.rsplit("!", 1)[-1].rsplit("/", 1)[-1])[1]
        return suffix.lower() if len(suffix) > 1 else ""

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        if self.member is not None:
            try:
                with _archive(self.path).open(self.member) as handle:
                    content = handle.read(self.member_size + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError, KeyError) as exc:
                # A bad CRC or header: worded by the screening row, never as the library's text.
                raise MemberDamaged() from exc
            if len(content) > self.member_size:  # the header understated the size
                raise FileTooLarge(len(content))
            return content
        content = read_regular_file(self.path, MAX_FILE_BYTES)
        if len(content) > MAX_FILE_BYTES:
            raise FileTooLarge(os.stat(self.path).st_size)
        return content


class MemberDamaged(OSError):
    """A zip member that cannot be decompressed; its errno carries the wording `errors.os.EBADMSG`."""

    def __init__(self) -> None:
        super().__init__(errno.EBADMSG, "damaged")


@functools.lru_cache(maxsize=4)
def _archive(path: str) -> zipfile.ZipFile:
    # One open archive per process: reading its directory again for every member would cost
    # time proportional to the member count, for each member.
    return zipfile.ZipFile(path)


class FileTooLarge(Exception):
    def __init__(self, size: int):
        self.size = size


@dataclass(frozen=True, slots=True)
class Refused:
    """A path or archive that yields no source, and why."""

    label: str
    reason: Reason


def unsafe_member_name(name: str) -> bool:
    """True for a member that would land outside the archive's folder if extracted."""
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        return True
    return ".." in PurePosixPath(normalized).parts


def open_zip(label: str, data: bytes | Path, limits: ZipLimits = ZipLimits()) -> tuple[list[Source], list[Refused]]:
    """The screened members of an archive (bytes, or a path read lazily), or a refusal of the
    whole archive."""
    on_disk = isinstance(data, Path)
    try:
        archive = zipfile.ZipFile(data if on_disk else io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        return [], [Refused(label, Reason("screening.error.zip_corrupt", {"detail": type(exc).__name__}))]
    with archive:
        if len(members) > limits.max_members:
            return [], [Refused(label, Reason("screening.error.zip_members", {"n": len(members), "limit": limits.max_members}))]
        for member in members:
            if unsafe_member_name(member.filename):
                return [], [Refused(label, Reason("screening.error.zip_traversal", {"member": member.filename}))]
        total = sum(m.file_size for m in members)
        if total > limits.max_total_bytes:
            return [], [Refused(label, Reason("screening.error.zip_total", {"mb": total // 2**20, "limit": limits.max_total_bytes // 2**20}))]
        for member in members:
            if member.file_size > limits.max_member_bytes:
                return [], [Refused(label, Reason("screening.error.zip_member_size", {"member": member.filename, "limit": limits.max_member_bytes // 2**20}))]
            if member.file_size > limits.ratio_floor_bytes and member.file_size > limits.max_ratio * max(member.compress_size, 1):
                ratio = member.file_size // max(member.compress_size, 1)
                return [], [Refused(label, Reason("screening.error.zip_ratio", {"member": member.filename, "ratio": ratio, "limit": limits.max_ratio}))]
        sources, refused = [], []
        budget = limits.max_total_bytes
        for member in members:
            name = member.filename
            if PurePosixPath(name).suffix.lower() not in SCREENED_SUFFIXES or _hidden(name):
                continue
            inner = f"{label}!{name}"
            if name.lower().endswith(".zip"):
                refused.append(Refused(inner, Reason("screening.error.zip_nested", {})))
                continue
            if on_disk:
                sources.append(Source(inner, path=str(data), member=name, member_size=member.file_size))
                continue
            try:
                # The header's size may lie: never read more than it declared, plus one byte to notice.
                with archive.open(member) as handle:
                    content = handle.read(member.file_size + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
                refused.append(Refused(inner, Reason("screening.error.zip_member_corrupt", {"detail": type(exc).__name__})))
                continue
            if len(content) > member.file_size:
                return [], [Refused(label, Reason("screening.error.zip_ratio", {"member": name, "ratio": "?", "limit": limits.max_ratio}))]
            budget -= len(content)
            if budget < 0:
                return [], [Refused(label, Reason("screening.error.zip_total", {"mb": limits.max_total_bytes // 2**20, "limit": limits.max_total_bytes // 2**20}))]
            sources.append(Source(inner, data=content))
        return sources, refused


def _hidden(name: str) -> bool:
    # macOS archives carry __MACOSX/._name resource forks that are not submissions.
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def collect_paths(paths: Iterable[str | Path], limits: ZipLimits = ZipLimits()) -> tuple[list[Source], list[Refused]]:
    """Every file under the given paths, in a stable order; zips opened, folders walked."""
    sources: list[Source] = []
    refused: list[Refused] = []
    for given in paths:
        path = Path(given)
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            refused.append(Refused(str(path), Reason("screening.error.missing", {"file": str(path)})))
            continue
        except OSError as exc:
            refused.append(Refused(str(path), Reason("screening.error.unreadable", os_error_values(exc))))
            continue
        if stat.S_ISDIR(mode):
            files = []
            for file, problem in sorted(_walk(path), key=lambda found: found[0]):
                if problem is None:
                    files.append(file)
                else:
                    refused.append(Refused(str(file), problem))
        elif stat.S_ISREG(mode):
            files = [path]
        else:
            refused.append(Refused(str(path), _not_regular(path)))
            continue
        for file in files:
            _add_file(file, sources, refused, limits)
    return sources, refused


def _not_regular(path: Path) -> Reason:
    return Reason("screening.error.unreadable", os_error_values(NotRegularFile(str(path))))


def _walk(folder: Path) -> Iterator[tuple[Path, Reason | None]]:
    """The screened files under `folder`, each with the reason it is refused, or None.

    os.walk does not descend into linked folders; a linked file is read only if it resolves to a
    regular file inside `folder`."""
    inside = os.path.realpath(folder)
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or Path(name).suffix.lower() not in SCREENED_SUFFIXES:
                continue
            file = Path(root, name)
            try:
                mode = os.lstat(file).st_mode
                if stat.S_ISLNK(mode):
                    target = os.path.realpath(file)
                    if os.path.commonpath([inside, target]) != inside:
                        yield file, Reason("errors.input.symlink_outside", {"file": str(file)})
                        continue
                    mode = os.stat(target).st_mode
            except OSError as exc:  # a dangling link, or a file removed while the folder is walked
                yield file, Reason("screening.error.unreadable", os_error_values(exc))
                continue
            yield file, (None if stat.S_ISREG(mode) else _not_regular(file))


def _add_file(file: Path, sources: list[Source], refused: list[Refused], limits: ZipLimits) -> None:
    if file.suffix.lower() != ".zip":
        sources.append(Source(str(file), path=str(file)))
        return
    try:
        inner, bad = open_zip(str(file), file, limits)
    except OSError as exc:
        refused.append(Refused(str(file), Reason("screening.error.unreadable", os_error_values(exc))))
        return
    sources.extend(inner)
    refused.extend(bad)


def collect_uploads(uploads: Iterable[tuple[str, bytes]], limits: ZipLimits = ZipLimits()) -> tuple[list[Source], list[Refused]]:
    """Uploaded files (name, bytes), zips opened; used by the screening page."""
    sources: list[Source] = []
    refused: list[Refused] = []
    for name, data in uploads:
        if name.lower().endswith(".zip"):
            inner, bad = open_zip(name, data, limits)
            sources.extend(inner)
            refused.extend(bad)
        else:
            sources.append(Source(name, data=data))
    return sources, refused
