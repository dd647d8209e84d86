"""#6 case 2: `rag index` killed (SIGKILL) at every step of an update and at random moments, and a full
disk. Afterwards the previous (or, once published, the new) index opens and answers, and the next run
completes without leftovers."""
from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time

import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.index import BulletinIndex, FAILPOINTS, current_generation, update_index

from ..conftest import ROOT, SAMPLES


def _env(settings, **extra):
    return dict(os.environ, RAG_EMBEDDER="fake", RAG_CORPUS_DIR=str(settings.corpus_dir),
                RAG_INDEX_DIR=str(settings.index_dir), RAG_MODELS_DIR=str(settings.models_dir), **extra)


def _index_cmd(settings, preexec=None, **extra):
    return subprocess.Popen([sys.executable, "-m", "rag.cli", "index"], env=_env(settings, **extra), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec)


def _assert_serves(settings, expected_files: set[str]):
    idx = BulletinIndex.open(settings, FakeEmbedder())
    st = idx.status()
    assert {d["key"] for d in st["documents"]} == expected_files
    assert len(idx.vectors) == st["chunks"] == len(idx.keywords) > 0
    assert idx.search_bm25("文明", 3) and idx.search_dense("文明城市创建", 3)
    idx.close()


def _assert_next_run_completes(settings, corpus):
    s = update_index(settings, embedder=FakeEmbedder(), show_progress=False)
    assert not s.failed
    _assert_serves(settings, set(SAMPLES))
    names = [p.name for p in settings.index_dir.iterdir()]
    assert not [n for n in names if n.startswith(".tmp-")], names
    assert len([n for n in names if n.startswith("gen-")]) <= 2, names


def _base_index(settings, corpus):
    update_index(settings, paths=[corpus / SAMPLES[0], corpus / SAMPLES[1]], embedder=FakeEmbedder(),
                 show_progress=False)
    return current_generation(settings.index_dir)


@pytest.mark.parametrize("point", FAILPOINTS)
def test_sigkill_at_every_step(settings, corpus, point):
    old = _base_index(settings, corpus)
    proc = _index_cmd(settings, RAG_FAILPOINT=point)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    if point == "published":  # killed after CURRENT was switched: the new index is complete and served
        assert current_generation(settings.index_dir) != old
        _assert_serves(settings, set(SAMPLES))
    else:
        assert current_generation(settings.index_dir) == old
        _assert_serves(settings, {SAMPLES[0], SAMPLES[1]})
    _assert_next_run_completes(settings, corpus)


def test_sigkill_at_random_moments(settings, corpus):
    """Eight kills at random times of updates that alternate between adding and removing files."""
    rng = random.Random(6)
    _base_index(settings, corpus)
    moved = settings.corpus_dir.parent / "moved"
    moved.mkdir()
    for round_ in range(8):
        served = {d["key"] for d in BulletinIndex.open(settings, FakeEmbedder()).status()["documents"]}
        # change the folder: move a random file out or back in
        name = rng.choice(SAMPLES)
        src, dst = (corpus / name, moved / name) if (corpus / name).exists() else (moved / name, corpus / name)
        shutil.move(src, dst)
        proc = _index_cmd(settings, RAG_FAKE_EMBED_DELAY="0.15")
        time.sleep(rng.uniform(0.3, 4.0))
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        now = {d["key"] for d in BulletinIndex.open(settings, FakeEmbedder()).status()["documents"]}
        on_disk = {p.name for p in corpus.iterdir()}
        # old or new, never a mix
        assert now in (served, on_disk), (round_, killed, served, now, on_disk)
        _assert_serves(settings, now)
    for p in moved.iterdir():
        shutil.move(p, corpus / p.name)
    _assert_next_run_completes(settings, corpus)


def _limit_file_size(limit: int):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


@pytest.mark.parametrize("limit_kb", [16, 200])
def test_file_size_limit_mid_update(settings, corpus, limit_kb):
    """RLIMIT_FSIZE makes some write of the update fail (which one depends on the limit)."""
    old = _base_index(settings, corpus)
    proc = _index_cmd(settings, preexec=_limit_file_size(limit_kb * 1024))
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, (out, err)
    assert "could not write the index" in err and "previous index is unchanged" in err
    assert "Traceback" not in err
    assert current_generation(settings.index_dir) == old
    _assert_serves(settings, {SAMPLES[0], SAMPLES[1]})
    _assert_next_run_completes(settings, corpus)


def _can_mount_tmpfs(target) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(target)],
                          capture_output=True).returncode == 0


def test_full_disk_on_a_tiny_tmpfs(tmp_path, settings, corpus):
    """A real full disk (ENOSPC): the index folder lives on a 4 MB tmpfs that a filler file fills up."""
    from dataclasses import replace

    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    if not _can_mount_tmpfs(mnt):
        pytest.skip("mounting a tmpfs needs root; the RLIMIT_FSIZE test covers failed writes")
    try:
        s = replace(settings, index_dir=mnt / "index")
        old = _base_index(s, corpus)
        free = shutil.disk_usage(mnt).free
        with open(mnt / "filler", "wb") as f:
            f.write(b"\0" * (free - 64 * 1024))
        proc = _index_cmd(s)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, (out, err)
        assert ("No space left on device" in err or "disk is full" in err) and "previous index is unchanged" in err
        assert current_generation(s.index_dir) == old
        _assert_serves(s, {SAMPLES[0], SAMPLES[1]})
        (mnt / "filler").unlink()
        _assert_next_run_completes(s, corpus)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
