"""The Ray executor: judging units as tasks on a Ray cluster (``pip install cpelo[ray]``).

``node``: what runs on the nodes; ``driver``: ``RayExecutor``, which dispatches them; ``connection``:
reaching the cluster.

Per batch the driver makes three kinds of task, each asking for one CPU and retried up to
``max_retries`` times when its worker or node dies:

- ``cpelo_compile``: one per distinct (language, source) -- compiles through the node's compile
  cache and returns the cache entry (binary and compiler log) as an object in Ray's object store;
- ``cpelo_compile_problem``: one per problem with a compiled checker or interactor, likewise;
- ``cpelo_judge_unit``: one per submission. It depends on its compile tasks' key lists, so Ray starts
  it only when they are done; it publishes the entries it lacks in its node's compile cache (fetched
  from the object store, at most once per node as the cache then has them), unpacks the problem's
  files if its node has not yet, and calls ``Judge.judge``, which finds the program compiled.

So a program is compiled once per cluster, not once per node or per test, and a compilation error is
decided once too. Why the object store rather than a shared cache directory: it needs nothing from
the nodes but Ray itself (no NFS, no object-storage credentials), compiled programs are small (tens
of KiB to a few MiB), and each node keeps its own on-disk cache, so a node pulls an entry once. On
a cluster whose nodes do share a filesystem, give its path as ``node_compile_cache``: the units
then find the entries already published there and skip the import (the cache publishes with
one atomic rename, safe across processes and hosts that rename atomically, as NFS does).

Problem files (tests, checker sources) travel the same way by default (``ship_problems``): packed
once per problem by the driver, unpacked once per node. With identical paths on every node (a shared
filesystem, or bundled contests installed alike) ``ship_problems=False`` skips that.

The driver hands every task its ``NodeConfig`` (sandbox backend, compile cache) as an argument: a
node reads no CPELO_ variable from its environment.
"""
