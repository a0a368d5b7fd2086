"""Deciding whether an output is right: built-in comparisons, and problem-supplied checkers.

``outcome``: what a check says. ``builtin``: pure comparisons over bytes (tokens, exact, lines, floats,
yes/no). ``external``: problem-supplied checker programs run in the sandbox (testlib and Kattis
protocols, and what their exit codes mean). ``checker``: the checker of a task, built-in or compiled.
Building helper programs (checkers, interactors) from their sources lives in ``judge.helper_programs``.
"""
