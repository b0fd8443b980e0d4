"""Sans-IO IPMI protocol core: RMCP/ASF framing, IPMI 1.5 and RMCP+ sessions, SOL.

Nothing in this package touches a socket, a clock or a random source: callers pass ``now`` and an ``rng``.
"""
