"""The frozen app (build.spec) and the wheel: build, measure, smoke-test."""
