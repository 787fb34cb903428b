# The suite's commands. `make run` starts everything; `make test` runs the tests on SQLite and PostgreSQL.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
N ?= 10
RATE ?= 2

.PHONY: help venv migrate run simulate test test-sqlite test-postgres bench bench-compare token dead-letters compose-check clean

help:
	@echo "make run            install, deploy (first run: keys, the admin's one-time password) and start everything"
	@echo "make test           the test suite on SQLite, then on PostgreSQL"
	@echo "make simulate N=20  the storefront publishes N orders (RATE per second)"
	@echo "make token ROLE=reviewer STAFF=S1001   a bearer token signed with var/keys/token-signing.pem"
	@echo "make dead-letters SERVICE=order_review list a service's dead letters"
	@echo "make bench          the benchmark (BENCH_ARGS=--smoke for a quick run; see README)"
	@echo "make bench-compare BASE=main   this tree against BASE in 3 alternating pairs of runs (BENCH_ARGS as above)"

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip "setuptools<82" wheel
	$(PY) -m pip install -q -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	@$(PY) -m tools.check_broker
	$(PY) -m tools.deploy

run: migrate
	$(PY) -m tools.run_suite

simulate: venv
	$(PY) -m tools.storefront --count $(N) --rate $(RATE)

test: test-sqlite test-postgres

test-sqlite: venv
	TEST_DB=sqlite $(PY) -m pytest

test-postgres: venv
	TEST_DB=postgres $(PY) -m pytest

bench: venv
	$(PY) -m tools.bench $(BENCH_ARGS)

bench-compare: venv
	$(PY) -m tools.bench.compare --base $(or $(BASE),HEAD) --pairs $(or $(PAIRS),3) -- $(BENCH_ARGS)

token: venv
	@$(PY) -m tools.mint_token --staff-id $(or $(STAFF),S1001) --role $(or $(ROLE),manager)

dead-letters: venv
	$(PY) -m tools.dead_letters list $(or $(SERVICE),order_review)

compose-check:
	docker-compose config -q
	docker-compose -f docker-compose.yml -f deploy/compose-broker-ports.yml config -q

clean:
	rm -rf var $(VENV)
