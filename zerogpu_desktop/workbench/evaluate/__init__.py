"""Evaluate: one prompt over a dataset, against several models, with checks on every answer.

`dataset.py` reads the cases, `checks.py` judges an answer, `engine.py` runs the cells through
the `Runner`, `export.py` writes CSV, JSONL and an HTML report, `regression.py` compares two
evaluations of the same dataset. Nothing here imports Qt: the window and the command line are
two views of the same evaluation.
"""
