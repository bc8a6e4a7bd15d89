"""The benchmark (tooling, not the service): the real service under load beside a plain
baseline, on loopback."""
