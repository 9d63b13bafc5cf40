# newsgraph: `make demo` and `make test` work on a fresh machine (they create .venv when missing).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SHARED ?= ../shared
DEMO_ARTICLE := $(firstword $(wildcard $(SHARED)/examples/kursk-2024-10-31.txt) examples/mosul-2016-10-20.txt)
DEMO_DATE := $(if $(findstring kursk,$(DEMO_ARTICLE)),2024-10-31,2016-10-20)
DEMO_ABOUT := $(if $(findstring kursk,$(DEMO_ARTICLE)),troops,civilians)

.PHONY: demo test eval bench docs lock clean train-events train-claims

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip==26.3"
	$(PY) -m pip install -q -c requirements.lock -e ".[test,eval,bench,spark]"
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/newsgraph analyze $(DEMO_ARTICLE) --published $(DEMO_DATE) --format table
	@mkdir -p out && rm -f out/demo.duckdb
	$(VENV)/bin/newsgraph ingest $(filter-out examples/%,$(DEMO_ARTICLE)) examples --db out/demo.duckdb --no-progress
	$(VENV)/bin/newsgraph claims --about $(DEMO_ABOUT) --db out/demo.duckdb
	$(VENV)/bin/newsgraph claims --about killed --by incident --window 1 --db out/demo.duckdb
	$(VENV)/bin/newsgraph report --db out/demo.duckdb --about $(DEMO_ABOUT) --out out/report.html
	@echo "Explore it: $(VENV)/bin/newsgraph serve --db out/demo.duckdb   (then open http://127.0.0.1:8000/)"

# The browser tests drive Debian's chromium; without it they skip and say why.
test: $(VENV)/.installed
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; } >/dev/null 2>&1 || echo "chromium unavailable: the browser tests will skip"
	$(PY) -m pytest -q

# Long evaluations against ../shared/data; tables land in benchmarks/results/.
eval: $(VENV)/.installed
	-$(PY) -m pip install -q -c requirements.lock -e ".[heideltime]"
	$(VENV)/bin/newsgraph eval time --data $(SHARED)/data/time --out benchmarks/results/eval-time.md
	$(VENV)/bin/newsgraph eval quantities --data $(SHARED)/data/quantities --out benchmarks/results/eval-quantities.md
	$(VENV)/bin/newsgraph eval attribution --data $(SHARED)/data/quotes/polnear --out benchmarks/results/eval-attribution.md
	$(VENV)/bin/newsgraph eval geo --data $(SHARED)/data/geo --out benchmarks/results/eval-geo.md
	$(VENV)/bin/newsgraph eval events --data $(SHARED)/data/events --out benchmarks/results/eval-events.md

# The events classifier (src/newsgraph/lexicon/event_model.json) from cameo/cameo_class.
train-events: $(VENV)/.installed
	$(PY) -m newsgraph.evaluate.train_events --data $(SHARED)/data/events --out src/newsgraph/lexicon/event_model.json

train-claims: $(VENV)/.installed
	$(PY) -m newsgraph.evaluate.train_claims --data $(SHARED)/data/quotes/polnear --out src/newsgraph/lexicon/claim_model.json

# BENCH_CORPUS_ARGS="--sizes 250 --store-sizes 10000" gives a quick run.
BENCH_CORPUS_ARGS ?=
bench: $(VENV)/.installed
	$(PY) benchmarks/bench_analyze.py --data $(SHARED)/data/news --out benchmarks/results/bench-analyze.md
	$(PY) benchmarks/bench_corpus.py --data $(SHARED)/data/news --out benchmarks/results/bench-corpus.md $(BENCH_CORPUS_ARGS)

# docs/record.md is generated from src/newsgraph/record.py.
docs: $(VENV)/.installed
	$(VENV)/bin/newsgraph schema > docs/record.md

# Re-pin every installed package after changing dependencies in pyproject.toml.
lock: $(VENV)/.installed
	$(PY) -m pip freeze --exclude-editable | grep -v "^-e" | sed -E "s/^([A-Za-z0-9_.-]+) @ .*\/[A-Za-z0-9_.]+-([0-9][^-]*)-py.*/\1==\2/" > requirements.lock

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache
