# The two commands: `make run` (the service on the bundled sample) and `make test` (the whole suite).
.PHONY: run test test-fast lint mutation es-start es-stop es-status venv venv-dev clean

run:
	scripts/run.sh

test: venv-dev
	scripts/elasticsearch.sh install
	scripts/install_browser.sh
	scripts/install_nginx.sh
	.venv/bin/ruff check .
	.venv/bin/pytest

# The tests that need no Elasticsearch node (the `es` marker): seconds, and no node is started.
test-fast: venv-dev
	.venv/bin/pytest -m "not es"

# Mutation testing (docs/mutation.md), not part of `make test`: MODULES="service/x.py ..." one at a time,
# else the listed modules' functions that `git diff $(DIFF)` touched; MINUTES bounds each module's run.
MINUTES ?= 10
DIFF ?= HEAD
mutation: venv-dev
	.venv/bin/python scripts/mutation.py $(if $(MODULES),$(MODULES),--diff $(DIFF)) --minutes $(MINUTES) --survivors

lint: venv-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

venv:
	scripts/venv.sh

venv-dev:
	scripts/venv.sh dev

es-start:
	scripts/elasticsearch.sh start

es-stop:
	scripts/elasticsearch.sh stop

es-status:
	scripts/elasticsearch.sh status

clean:
	rm -rf .venv .pytest_cache .ruff_cache
