"""I/O around the sans-IO core: the only place with sockets and clocks."""
