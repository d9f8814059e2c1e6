"""Workbooks the project builds itself: the shipped sample programme and
generated programmes of any size (for benchmarks and tests)."""
