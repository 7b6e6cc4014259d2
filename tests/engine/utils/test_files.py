"""keras.utils.get_file on local files: caching, hashes, extraction, and no downloads."""

import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from kerasnb.utils import get_file


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "source" / "table.csv"
    path.parent.mkdir()
    path.write_bytes(b"a,b\n1,2\n")
    return path


def test_copies_a_local_path_and_a_file_url_into_the_cache(tmp_path, source):
    cache = tmp_path / "cache"
    cached = get_file(origin=str(source), cache_dir=str(cache))
    assert cached == str(cache / "datasets" / "table.csv")
    assert open(cached, "rb").read() == source.read_bytes()
    other = get_file("copy.csv", origin=source.as_uri(), cache_dir=str(cache), cache_subdir="x")
    assert other == str(cache / "x" / "copy.csv") and os.path.isfile(other)
    assert not [n for n in os.listdir(cache / "datasets") if n.startswith(".partial")]


def test_hashes_are_checked(tmp_path, source):
    digest_sha = hashlib.sha256(source.read_bytes()).hexdigest()
    digest_md5 = hashlib.md5(source.read_bytes()).hexdigest()
    cache = str(tmp_path / "cache")
    assert os.path.isfile(get_file(origin=str(source), file_hash=digest_sha, cache_dir=cache))
    assert os.path.isfile(get_file("m.csv", origin=str(source), md5_hash=digest_md5,
                                   cache_dir=cache))
    with pytest.raises(ValueError, match="does not match"):
        get_file("bad.csv", origin=str(source), file_hash="0" * 64, cache_dir=cache)
    assert not os.path.exists(os.path.join(cache, "datasets", "bad.csv"))
    with pytest.raises(ValueError, match="hash_algorithm"):
        get_file(origin=str(source), file_hash=digest_md5, hash_algorithm="sha1", cache_dir=cache)


def test_stale_cached_file_is_copied_again(tmp_path, source):
    cache = tmp_path / "cache"
    cached = get_file(origin=str(source), cache_dir=str(cache))
    open(cached, "wb").write(b"stale")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    get_file(origin=str(source), file_hash=digest, cache_dir=str(cache))
    assert open(cached, "rb").read() == source.read_bytes()
    open(cached, "wb").write(b"stale")
    get_file(origin=str(source), cache_dir=str(cache))  # no hash: the cached file is kept
    assert open(cached, "rb").read() == b"stale"
    get_file(origin=str(source), cache_dir=str(cache), force_download=True)
    assert open(cached, "rb").read() == source.read_bytes()


def test_remote_origin_is_refused_unless_already_cached(tmp_path):
    cache = tmp_path / "cache"
    with pytest.raises(NotImplementedError, match="never downloads"):
        get_file(origin="https://example.com/data/words.txt", cache_dir=str(cache))
    (cache / "datasets").mkdir(parents=True, exist_ok=True)
    (cache / "datasets" / "words.txt").write_text("placed by hand")
    cached = get_file(origin="https://example.com/data/words.txt", cache_dir=str(cache))
    assert open(cached).read() == "placed by hand"


def test_bad_arguments(tmp_path, source):
    with pytest.raises(ValueError, match="`origin`"):
        get_file("x.csv")
    with pytest.raises(ValueError, match="file name"):
        get_file("sub/x.csv", origin=str(source), cache_dir=str(tmp_path))
    with pytest.raises(FileNotFoundError, match="names no file"):
        get_file(origin=str(tmp_path / "missing.csv"), cache_dir=str(tmp_path))


def _tar(path, members, mode="w:gz"):
    with tarfile.open(path, mode) as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))


def test_extracts_tar_and_zip_archives(tmp_path):
    _tar(tmp_path / "data.tar.gz", {"data/a.txt": b"A", "data/sub/b.txt": b"B"})
    with zipfile.ZipFile(tmp_path / "pack.zip", "w") as archive:
        archive.writestr("c.txt", "C")
    cache = str(tmp_path / "cache")
    out = get_file("data.tar.gz", origin=str(tmp_path / "data.tar.gz"), extract=True,
                   cache_dir=cache)
    assert out == os.path.join(cache, "datasets", "data_extracted")
    assert open(os.path.join(out, "data", "sub", "b.txt")).read() == "B"
    out = get_file(origin=str(tmp_path / "pack.zip"), extract=True, cache_dir=cache)
    assert out == os.path.join(cache, "datasets", "pack.zip")  # no fname: directory keeps it
    assert open(os.path.join(out, "c.txt")).read() == "C"
    assert os.path.isfile(os.path.join(cache, "datasets", "pack.zip_archive"))
    out = get_file("t", origin=str(tmp_path / "data.tar.gz"), untar=True, cache_dir=cache)
    assert os.path.isdir(os.path.join(out, "data"))
    with pytest.warns(UserWarning, match="not a zip archive"):
        get_file("t2", origin=str(tmp_path / "data.tar.gz"), extract=True,
                 archive_format="zip", cache_dir=cache)


def test_extraction_skips_members_escaping_the_directory(tmp_path):
    _tar(tmp_path / "evil.tar", {"../escaped.txt": b"x", "ok.txt": b"y"}, mode="w")
    cache = tmp_path / "cache"
    with pytest.warns(UserWarning, match="outside"):
        out = get_file("evil.tar", origin=str(tmp_path / "evil.tar"), extract=True,
                       cache_dir=str(cache))
    assert os.listdir(out) == ["ok.txt"]
    assert not (cache / "datasets" / "escaped.txt").exists()
