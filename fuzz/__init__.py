"""Coverage-guided fuzzing of the compiled decoders and the session state machines (atheris + libFuzzer, ASan)."""
