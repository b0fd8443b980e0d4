"""``engine.entropy.RandomPool``: OS random bytes handed out in slices of one block, never twice, reset on fork."""

from __future__ import annotations

import os

from ipmifast.engine.entropy import RandomPool


def test_slices_are_fresh_and_of_the_asked_length() -> None:
    pool = RandomPool(block=64)
    parts = [pool(16) for _ in range(40)] + [pool(100), pool(1), pool(0)]
    assert [len(p) for p in parts] == [16] * 40 + [100, 1, 0]
    assert len(set(parts[:40])) == 40  # 16 random bytes never repeat in practice; a reused slice would


def test_a_forked_child_does_not_reuse_the_parents_bytes() -> None:
    pool = RandomPool(block=4096)
    pool(16)  # the parent has a block in hand
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the next bytes must not be the parent's next bytes
        os.close(read)
        os.write(write, pool(16))
        os._exit(0)
    os.close(write)
    child = os.read(read, 16)
    os.waitpid(pid, 0)
    os.close(read)
    assert len(child) == 16 and child != pool(16)
