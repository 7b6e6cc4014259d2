"""`get_file` (`keras.utils.get_file`) for local files: cache, hash check, archive extraction.

kerasnb never downloads. `origin` must be a local path or a ``file://`` URL; a remote URL
works only when the file is already in the cache (put there by hand), and raises
`NotImplementedError` otherwise.

Example:
    >>> path = get_file(origin="file:///tmp/data.csv")  # doctest: +SKIP
"""

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.parse
import urllib.request
import warnings
import zipfile

from kerasnb.engine import config

_ARCHIVES = ("tar", "zip")
_TAR_FILTER = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python >= 3.11.4


def cache_home():
    """kerasnb's own directory, ``~/.kerasnb`` (or ``$KERASNB_HOME``)."""
    return os.path.dirname(config.config_path())


def _local_path(origin):
    """The local file named by `origin`, or `None` for a remote URL."""
    origin = os.fspath(origin)
    parts = urllib.parse.urlsplit(origin)
    if parts.scheme == "file":
        return urllib.request.url2pathname(parts.path)
    if "://" in origin:
        return None
    return os.path.expanduser(origin)


def _hasher(algorithm, file_hash=None):
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None
                                 and len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(f'`hash_algorithm` must be "auto", "sha256" or "md5"; received '
                     f"{algorithm!r}.")


def file_matches(path, file_hash, algorithm="auto"):
    """Whether the file at `path` has the hex digest `file_hash` (sha256 or md5)."""
    hasher = _hasher(algorithm, file_hash)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            hasher.update(chunk)
    return hasher.hexdigest() == str(file_hash)


def _copy_atomically(source, target):
    handle, partial = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".partial-")
    os.close(handle)
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise


def _inside(base, name):
    path = os.path.realpath(os.path.join(base, name))
    return os.path.commonpath([path, base]) == base


def _safe_members(archive, base):
    """The members of an open tar or zip archive that stay inside `base` once extracted."""
    base = os.path.realpath(base)
    if isinstance(archive, zipfile.ZipFile):
        members = [(info, info.filename) for info in archive.infolist()]
    else:
        members = [(info, info.name) for info in archive.getmembers()]
    for info, name in members:
        safe = _inside(base, name)
        if safe and isinstance(info, tarfile.TarInfo) and (info.issym() or info.islnk()):
            target = (info.linkname if info.islnk()
                      else os.path.join(os.path.dirname(name), info.linkname))
            safe = _inside(base, target)
        if safe:
            yield info
        else:
            warnings.warn(f"Skipping archive member {name!r}: it would be written outside "
                          f"{base}.", stacklevel=3)


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a tar (any compression) or zip archive into directory `path`.

    The archive is extracted into a temporary directory that then replaces `path`, so a
    failure leaves no half-extracted directory. Members that would land outside `path`
    are skipped with a warning.

    Args:
        file_path: the archive.
        path: the directory to create (replaced if it exists).
        archive_format: ``"auto"`` (tar, then zip), ``"tar"``, ``"zip"``, a list of them,
            or `None` (extract nothing).

    Returns:
        Whether the file was an archive of an accepted format (and was extracted).
    """
    if archive_format is None:
        return False
    formats = list(_ARCHIVES) if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for name in formats:
        if name not in _ARCHIVES:
            raise ValueError(f'`archive_format` must be "auto", "tar", "zip", a list of them '
                             f"or None; received {archive_format!r}.")
    file_path, path = os.fspath(file_path), os.fspath(path)
    for name in formats:
        is_archive = tarfile.is_tarfile if name == "tar" else zipfile.is_zipfile
        if not is_archive(file_path):
            continue
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(dir=parent, prefix=".extracting-")
        try:
            opener = tarfile.open if name == "tar" else zipfile.ZipFile
            with opener(file_path) as archive:
                members = list(_safe_members(archive, staging))
                if name == "tar":
                    archive.extractall(staging, members=members, **_TAR_FILTER)
                else:
                    archive.extractall(staging, members=members)
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.exists(path):
                os.remove(path)
            os.replace(staging, path)
        finally:
            if os.path.isdir(staging):
                shutil.rmtree(staging)
        return True
    return False


def _targets(fname, provided, datadir, extract):
    """Where the file is stored and, when extracting, the directory it extracts into."""
    if not extract:
        return os.path.join(datadir, fname), None
    if provided and "." in fname:
        stem = fname[:fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Copies a local file into the cache (once) and returns the cached path.

    Same contract as Keras's `get_file`, with one difference: nothing is downloaded.
    `origin` is a local path or a ``file://`` URL. A remote URL (``https://`` ...) is
    accepted only if the file is already in the cache; otherwise `NotImplementedError`
    says to fetch it yourself.

    Args:
        fname: file name in the cache; the last part of `origin` when `None`.
        origin: local path or ``file://`` URL of the original file.
        untar: deprecated form of ``extract=True, archive_format="tar"``.
        md5_hash: deprecated form of ``file_hash`` with ``hash_algorithm="md5"``.
        file_hash: expected sha256 or md5 hex digest; a cached file that does not match is
            copied again, a copied file that does not match raises `ValueError`.
        cache_subdir: sub-directory of `cache_dir` (an absolute path is used as is).
        hash_algorithm: ``"auto"`` (sha256 for 64-character hashes, else md5), ``"sha256"``
            or ``"md5"``.
        extract: extract the file (a tar or zip archive) and return the directory.
        archive_format: ``"auto"``, ``"tar"``, ``"zip"``, a list of them, or `None`.
        cache_dir: cache location, ``~/.kerasnb`` by default (``$KERASNB_HOME``); a
            temporary directory is used when it is not writable.
        force_download: copy again even when the cached file is valid.

    Returns:
        The path of the cached file, or of the extracted directory.

    Example:
        >>> import os, tempfile
        >>> source = os.path.join(tempfile.mkdtemp(), "notes.txt")
        >>> _ = open(source, "w").write("hello")
        >>> cached = get_file(origin=source, cache_dir=tempfile.mkdtemp())
        >>> open(cached).read()
        'hello'
    """
    if origin is None:
        raise ValueError("`origin` is required: the local path or file:// URL of the file.")
    origin = os.fspath(origin)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    _hasher(hash_algorithm, file_hash)  # validates the algorithm early
    base = os.path.expanduser(os.fspath(cache_dir) if cache_dir is not None else cache_home())
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass
    if not os.access(base, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), ".kerasnb")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    provided = fname is not None and os.fspath(fname) != ""
    if provided:
        fname = os.fspath(fname)
        if os.sep in fname:
            raise ValueError(f"`fname` must be a file name, not a path; received {fname!r}. "
                             "Use `cache_dir`/`cache_subdir` to choose the directory.")
    else:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Cannot tell a file name from `origin`={origin!r}: pass `fname`.")
    extract = extract or untar
    if untar:
        archive_format = "tar"
    target, extraction_dir = _targets(fname, provided, datadir, extract)

    fetch = force_download or not os.path.exists(target)
    if not fetch and file_hash is not None and not file_matches(target, file_hash,
                                                                hash_algorithm):
        fetch = True
    if fetch:
        source = _local_path(origin)
        if source is None:
            raise NotImplementedError(
                f"get_file cannot download {origin!r}: kerasnb never downloads. Fetch the file "
                f"yourself and pass its local path (or a file:// URL) as `origin`, or place it "
                f"at {target}.")
        if not os.path.isfile(source):
            raise FileNotFoundError(f"`origin` names no file: {origin!r} ({source}).")
        _copy_atomically(source, target)
        if file_hash is not None and not file_matches(target, file_hash, hash_algorithm):
            os.remove(target)
            raise ValueError(f"The file copied from {origin!r} does not match `file_hash`="
                             f"{file_hash!r}: it is incomplete, corrupted or not the expected "
                             "file.")
    if extract:
        if not extract_archive(target, extraction_dir, archive_format):
            warnings.warn(f"{target} is not a {archive_format} archive: nothing was extracted.",
                          stacklevel=2)
        return extraction_dir
    return target
