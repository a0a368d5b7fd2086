"""The application layer: the `cpelo` command, the contest simulation and the reports.

It sits on top of everything (contests, judge, sandbox, elo) and nothing imports it.
"""
