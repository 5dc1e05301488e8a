# Two commands for users: `make analysis` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= output
CORPUS ?= corpus
FIGURES ?= figures

.PHONY: analysis test figures model model-fast bench bench-scale clean-venv

# The venv is rebuilt when pyproject.toml changes; the stamp records which extras are in it.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

analysis: $(VENV)/.installed
	$(BIN)/toolkit analyze $(CORPUS) --out $(OUT)
	$(BIN)/python -m toolkit.figures --corpus $(CORPUS) --out $(FIGURES)

figures: $(VENV)/.installed
	$(BIN)/python -m toolkit.figures --corpus $(CORPUS) --out $(FIGURES)

test: $(VENV)/.installed
	$(BIN)/python -m pytest -q tests --doctest-modules toolkit $(if $(wildcard notebooks/*.ipynb),--nbmake notebooks,)

# Re-train the shipped models. The neural model needs the `train` extra (torch, transformers)
# and takes about an hour on 2 CPU cores: a 6-layer teacher (not shipped), a transfer set of
# unlabelled UN speeches of 1990-2013 from ../shared/corpus-large, then the shipped 3-layer
# student distilled from the teacher. `make model-fast` rebuilds the other models only.
TEACHER := .cache/models/minilm6_teacher
TRANSFER := .cache/transfer/ungd_1990_2013.jsonl
model: model-fast
	$(BIN)/python -m pip install --quiet -e ".[train]"
	$(BIN)/python scripts/train_sentiment.py --epochs 3 --lr 5e-5 --seed 42 --batch-size 32 \
	    --threads 1 --output $(TEACHER) --run-name e3_lr5e-5_b32_s42
	$(BIN)/python scripts/build_transfer_set.py --targets 6000 --seed 42 --out $(TRANSFER)
	$(BIN)/python scripts/train_sentiment.py --layers 3 --lr 1e-4 --epochs 3 --seed 42 \
	    --batch-size 32 --threads 2 --teacher $(TEACHER) --transfer $(TRANSFER) \
	    --run-name l3_kd_transfer_e3_lr1e-4_b32_s42

model-fast: $(VENV)/.installed
	$(BIN)/python scripts/train_punkt.py
	$(BIN)/python scripts/build_gazetteer.py
	$(BIN)/python scripts/train_sentiment_sklearn.py

bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	for b in $(filter-out benchmarks/bench_scale.py,$(wildcard benchmarks/bench_*.py)); do $(BIN)/python $$b || exit 1; done

# Scale benchmark on ../shared/corpus-large (about an hour for the full plan; quick plan here).
bench-scale: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[bench,dask]"
	$(BIN)/python benchmarks/bench_scale.py --plan quick --chunk-size 100

clean-venv:
	rm -rf $(VENV)
