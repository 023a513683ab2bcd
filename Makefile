# Two commands for a newcomer: `make run` and `make test`. Each sets up what it needs first.
PORT ?= 8501
VENV := .venv/bin

.PHONY: run test bench setup-run setup-test clean

setup-run:
	@scripts/setup.sh run

setup-test:
	@scripts/setup.sh test

run: setup-run
	$(VENV)/streamlit run app.py --server.port $(PORT)

test: setup-test
	$(VENV)/python -m pytest -n 2 --dist loadfile

bench: setup-test
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(VENV)/python $$b || exit 1; done

clean:
	rm -rf .venv .tools .pytest_cache
