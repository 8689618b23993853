"""End-to-end test harness for keyfed (docs/testing.md)."""
