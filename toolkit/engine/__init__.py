"""How the analysis runs: the stage graph (:mod:`toolkit.engine.graph`) and its stages
(:mod:`toolkit.engine.stages`). The in-memory, chunked and Dask runners, the figures and the
codebook evaluation all execute this graph."""
from toolkit.engine.graph import EXECUTIONS, GRAPH, GraphRun, Stage, StageGraph

__all__ = ["EXECUTIONS", "GRAPH", "GraphRun", "Stage", "StageGraph"]
