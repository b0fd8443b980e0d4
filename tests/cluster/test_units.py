"""The cluster path's plain parts, without Dask: shard planning, secrets that never show, jobs whose reprs and keys
name a run and nothing else, the report of a destructive shard whose worker died, and the segment column."""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipmifast.cli.credentials import CredentialsFile
from ipmifast.cli.fleet import Outcome
from ipmifast.cli.main import Options
from ipmifast.cluster.shards import MAX_SHARD, MIN_SHARD, Shard, plan, shard_size
from ipmifast.cluster.work import UNKNOWN, AuditJob, FleetJob, Secret, finish_lost
from ipmifast.errors import UsageError

PASSWORD = b"Sup3r-secret-pw"


@given(st.lists(st.tuples(st.integers(0, 500), st.sampled_from([None, "a", "b", "c"])), max_size=400),
       st.integers(1, 50))
def test_every_target_is_in_exactly_one_shard_of_its_segment(targets: list[tuple[int, str | None]],
                                                            size: int) -> None:
    shards = plan(targets, size, lambda t: t[1])
    assert [s.index for s in shards] == list(range(len(shards)))
    flat = [t for s in shards for t in s.targets]
    assert Counter(flat) == Counter(targets)
    for s in shards:
        assert 1 <= len(s) <= size and all(t[1] == s.segment for t in s.targets)
    for segment in {t[1] for t in targets}:  # order kept within a segment
        assert [t for t in flat if t[1] == segment] == [t for t in targets if t[1] == segment]
    assert sum(1 for s in shards if len(s) < size) <= len({t[1] for t in targets})  # one short shard per segment


def test_shard_size_is_about_four_shards_per_thread_within_bounds() -> None:
    assert shard_size(100_000, 8) == 2048 == MAX_SHARD
    assert shard_size(10_000, 8) == 313
    assert shard_size(100, 8) == MIN_SHARD and shard_size(0, 0) == MIN_SHARD
    with pytest.raises(ValueError):
        plan([1, 2], 0)
    assert repr(Shard(3, "a", tuple(range(1000)))) == "Shard(3, segment='a', 1000 hosts)"


def test_a_secret_never_shows_and_survives_pickling(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s = Secret(PASSWORD)
    assert "Sup3r" not in repr(s) + str(s) and repr(s) == "Secret(<hidden>)"
    assert pickle.loads(pickle.dumps(s)).resolve() == PASSWORD
    monkeypatch.setenv("IPMIFAST_PW", "from-env")
    assert Secret.named("env:IPMIFAST_PW").resolve() == b"from-env"
    assert repr(Secret.named("env:IPMIFAST_PW")) == "Secret(env:IPMIFAST_PW)"
    pw = tmp_path / "pw"
    pw.write_text("from-file\n")
    pw.chmod(0o600)
    assert Secret.named(f"file:{pw}").resolve() == b"from-file"
    pw.chmod(0o644)
    with pytest.raises(UsageError, match="can be read by other users"):
        Secret.named(f"file:{pw}").resolve()
    monkeypatch.delenv("IPMIFAST_PW")
    with pytest.raises(UsageError, match="IPMIFAST_PW is not set"):
        Secret.named("env:IPMIFAST_PW").resolve()
    for bad in ("IPMIFAST_PW", "env:", "vault:x"):
        with pytest.raises(UsageError, match="env:VARIABLE or file:PATH"):
            Secret.named(bad)


def test_a_fleet_job_carries_no_password_in_its_repr_key_or_options() -> None:
    opts = Options(username="admin", password=PASSWORD, kg=b"kg-Sup3r-key", fleet={"cluster": "tcp://x:1"})
    job = FleetJob("0123456789ab", opts, ["power", "off"], Secret(PASSWORD), None, 256, None, True)
    shard = Shard(7, None, (("10.0.0.1", 623),))
    shown = repr(job) + job.key(shard) + repr(job.opts) + repr(vars(job)) + repr(shard)
    assert "Sup3r" not in shown
    assert repr(job) == "<ipmifast fleet job 0123456789ab>" and job.key(shard) == "ipmifast-fleet-0123456789ab-7"
    assert job.opts.password is None and job.opts.kg is None and job.opts.fleet == {}
    assert pickle.loads(pickle.dumps(job)).kg.resolve() == b"kg-Sup3r-key"


def test_an_audit_job_repr_hides_the_password() -> None:
    from ipmifast.audit.probe import AuditOptions

    options = AuditOptions(username=b"admin", password=PASSWORD, words=(b"w1",))
    assert "Sup3r" not in repr(options)
    job = AuditJob("0123456789ab", object(), options, Secret(PASSWORD), "/srv/words.txt")
    assert job.options.password is None and job.options.words == ()
    assert "Sup3r" not in repr(job) + repr(vars(job))


def test_a_lost_destructive_shard_reports_what_was_recorded_and_the_rest_unknown() -> None:
    job = FleetJob("r", Options(), ["power", "off"], Secret(None), None, 1, None, True)
    targets = tuple((f"10.0.0.{i}", 623) for i in range(1, 6))
    done = [Outcome("10.0.0.2", 623, ["Chassis Power Control: Down/Off"]), Outcome("10.0.0.4", 623, kind="timeout")]
    results = finish_lost(job, Shard(0, None, targets), pickle.dumps(done))
    assert [(r.host, r.kind) for r in results] == [("10.0.0.2", "ok"), ("10.0.0.4", "timeout"), ("10.0.0.1", UNKNOWN),
                                                    ("10.0.0.3", UNKNOWN), ("10.0.0.5", UNKNOWN)]
    assert "not re-run" in results[-1].error


def test_the_credentials_file_segment_column(tmp_path: Path) -> None:
    f = tmp_path / "creds"
    f.write_text("10.1.0.[1-9],admin,,17,,site-a\n10.2.0.0/24,,,,,site_b.2\n*,root\n")
    f.chmod(0o600)
    rows = CredentialsFile(str(f), 623)
    assert rows.segment("10.1.0.3") == "site-a" and rows.segment("10.2.0.200") == "site_b.2"
    assert rows.segment("10.3.0.1") is None
    assert "segment='site-a'" in repr(rows.lookup("10.1.0.3"))
    f.write_text("10.1.0.1,admin,,,,site a\n")
    with pytest.raises(UsageError, match="segment 'site a' is not a name"):
        CredentialsFile(str(f), 623)
    f.write_text("10.1.0.1,admin,,,,a,extra\n")
    with pytest.raises(UsageError, match="segment"):
        CredentialsFile(str(f), 623)
