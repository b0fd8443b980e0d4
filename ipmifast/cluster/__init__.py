"""Fleet operations sharded over a Dask distributed cluster (``--cluster tcp://SCHEDULER:8786``).

The host set is cut into shards (``shards``); each shard is one Dask task that a worker runs on ipmifast's own
engine (``work``: one asyncio engine per worker process, thousands of sessions each, shared by the shards that
process runs at once); the client (``driver``) streams results back as shards finish. Shards of hosts that carry a
segment (the credentials file's sixth column) go only to workers holding a resource of that name
(``dask worker --resources segment-a=1``).

Only ``driver`` and ``work`` import Dask, and only a run with ``--cluster`` imports them: ``pip install
ipmifast[cluster]``.
"""
