# Jiyue (集约) — the two commands:
#   make run    set up, load the demo city, serve it on http://*.localhost:8000/ (+ task worker)
#   make test   set up, lint, run the whole suite on SQLite and then on PostgreSQL
#
# Works on a fresh Debian machine that has Python 3.11, git and apt. Each recipe is one
# bash script (.ONESHELL) that stops at the first failing command unless it says otherwise.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# Reinstall only when a requirements file changes (or the venv is new).
STAMP := $(VENV)/.jiyue-requirements.stamp
REQUIREMENTS := $(wildcard requirements/*.txt)
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-n 0"` (no xdist workers) or `-k registry`.
PYTEST_ARGS ?=
TEST_SETTINGS := jiyue.settings.test
PG_PLACEHOLDER_URL := postgres://postgres@127.0.0.1/jiyue

.PHONY: help run test lint fmt bench venv postgres-server test-tools clean-venv

help:
	@echo "make run     set up, migrate, load the demo city, serve http://www.localhost:$(PORT)/"
	echo "make test    set up, ruff, the whole suite on SQLite and on PostgreSQL"
	echo "make lint    ruff check + ruff format --check + lint-imports (layers)"
	echo "make fmt     ruff check --fix + ruff format"
	echo "make bench   run the benchmarks in bench/"

# --- environment ---------------------------------------------------------------------

$(BIN)/python:
	@py="$(PYTHON)"
	if ! command -v "$$py" >/dev/null 2>&1; then py=python3; fi
	if ! command -v "$$py" >/dev/null 2>&1 \
	   || ! "$$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
	  echo "error: Jiyue needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
	  exit 1
	fi
	echo "==> creating $(VENV) with $$("$$py" --version)"
	if ! "$$py" -m venv "$(VENV)" 2>/dev/null; then
	  # Debian ships venv/ensurepip in a separate package.
	  rm -rf "$(VENV)"
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	    ver=$$("$$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
	    echo "==> installing python$$ver-venv (apt-get)"
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python$$ver-venv" >/dev/null
	    "$$py" -m venv "$(VENV)"
	  else
	    echo "error: '$$py -m venv' failed. On Debian: sudo apt-get install python3-venv" >&2
	    exit 1
	  fi
	fi

$(STAMP): $(REQUIREMENTS) | $(BIN)/python
	@echo "==> installing requirements/dev.txt into $(VENV)"
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements/dev.txt
	touch "$@"

venv: $(STAMP)

clean-venv:
	rm -rf "$(VENV)"

# PostgreSQL server binaries for the second test run. pytest starts a throw-away
# cluster from them (tests/db.py); nothing is installed as a service.
postgres-server:
	@if [ -n "$${JIYUE_TEST_DATABASE_URL:-}" ]; then exit 0; fi
	if [ -n "$${JIYUE_PG_BINDIR:-}" ] && [ -x "$${JIYUE_PG_BINDIR}/pg_ctl" ]; then exit 0; fi
	if command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
	  exit 0
	fi
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	  echo "==> installing the PostgreSQL server binaries (apt-get install postgresql)"
	  export DEBIAN_FRONTEND=noninteractive
	  apt-get update -qq
	  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
	else
	  echo "error: PostgreSQL server binaries (pg_ctl, initdb) not found." >&2
	  echo "       Install them (Debian: sudo apt-get install postgresql), or set" >&2
	  echo "       JIYUE_PG_BINDIR=/usr/lib/postgresql/<version>/bin, or point" >&2
	  echo "       JIYUE_TEST_DATABASE_URL=postgres://user@host:port/db at a server." >&2
	  exit 1
	fi

# Tools the suite drives for real, installed from Debian when missing and run as root;
# otherwise their tests say why they are skipped:
# - nginx for the page-cache and TLS tests (tests/frontcache/test_nginx.py,
#   tests/security/test_nginx_tls.py);
# - Chromium for the browser tests (tests/browser, Playwright; marker `browser`).
NGINX ?= nginx
CHROMIUM ?= chromium
test-tools:
	@packages=()
	if ! command -v "$(NGINX)" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$(NGINX)" ]; then
	  packages+=(nginx-light)
	fi
	if ! command -v "$(CHROMIUM)" >/dev/null 2>&1 && [ ! -x "/usr/bin/$(CHROMIUM)" ]; then
	  packages+=(chromium)
	fi
	if [ $${#packages[@]} -eq 0 ]; then exit 0; fi
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	  echo "==> installing $${packages[*]} for the nginx and browser tests (apt-get install)"
	  export DEBIAN_FRONTEND=noninteractive
	  apt-get update -qq
	  apt-get install -y -qq --no-install-recommends "$${packages[@]}" >/dev/null
	else
	  echo "note: $${packages[*]} not installed; their tests will be skipped (apt-get install $${packages[*]})"
	fi

# --- make run ------------------------------------------------------------------------

# The embedded mode: SQLite in var/, sites on *.localhost (jiyue.settings.dev: DEBUG off,
# static files by WhiteNoise without collectstatic, mail into var/mail/). The demo loader
# is idempotent, shows a progress bar while it loads and prints the site URLs and the
# logins every time. Neither process polls while idle: no autoreloader (restart after
# editing code, or run `manage.py runserver` yourself), and the task worker looks for
# new tasks every WORKER_INTERVAL seconds.
WORKER_INTERVAL ?= 2
run: $(STAMP)
	@export DJANGO_SETTINGS_MODULE=jiyue.settings.dev
	# Wagtail's sites carry this port, so the admin's "View live" links name it.
	export JIYUE_SITE_PORT="$(PORT)"
	echo "==> preparing the database (migrate)"
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py load_demo --port "$(PORT)"
	# Pages cached by an earlier run may come from another database: start clean.
	$(BIN)/python manage.py frontcache_purge --all >/dev/null
	# The task worker runs in its own process group so that the whole group is stopped
	# when the server stops or on Ctrl-C. It logs every task, so its output goes to a
	# file rather than over the URLs above.
	logdir="$${JIYUE_VAR_DIR:-var}/log"
	mkdir -p "$$logdir"
	setsid $(BIN)/python manage.py db_worker --no-reload --interval "$(WORKER_INTERVAL)" \
	  >>"$$logdir/worker.log" 2>&1 & worker=$$!
	stop_worker() { kill -TERM -- "-$$worker" 2>/dev/null || true; wait "$$worker" 2>/dev/null || true; }
	trap stop_worker EXIT
	# Ctrl-C, kill, or the terminal closing (HUP): stop the worker too.
	trap 'exit 130' INT TERM HUP
	echo "==> task worker started (pid $$worker, log: $$logdir/worker.log)"
	echo "==> web server on http://$(HOST):$(PORT)/ — Ctrl-C stops the server and the worker"
	$(BIN)/python manage.py runserver --noreload "$(HOST):$(PORT)"

# --- make test -----------------------------------------------------------------------

# Runs every step even after a failure (so one run shows everything), prints a summary
# with the wall time, and fails when any step failed. pytest's own exit codes pass
# through, so "no tests ran" (5) fails too. The lint steps run one after the other;
# the two database passes then run side by side (each uses pytest-xdist's workers, see
# pyproject.toml), and each pass's output is printed when it ends.
test: $(STAMP) postgres-server test-tools
	@status=0
	started=$$SECONDS
	names=()
	summary=()
	totals=()
	pids=()
	# pytest's closing line, with or without -q: "== 3 passed, 1 skipped in 9.1s (0:00:09) =="
	PYTEST_CLOSING='^(=+ )?(no tests ran|[0-9]+ [a-z]+).* in [0-9.]+s( \([0-9:]+\))?( =+)?$$'
	logdir=$$(mktemp -d)
	trap 'kill $${pids[@]} 2>/dev/null || true; rm -rf "$$logdir"' EXIT
	# run_step N NAME COMMAND...: run COMMAND, its output in $$logdir/N.log, and write
	# "<exit status> <seconds>" to $$logdir/N.done when it ends.
	run_step() {
	  local id=$$1 start=$$SECONDS rc=0; shift 2
	  "$$@" >"$$logdir/$$id.log" 2>&1 </dev/null || rc=$$?
	  echo "$$rc $$((SECONDS - start))" >"$$logdir/$$id.done"
	}
	# report N: the summary line of step N (and its share of the closing "tests:" line).
	report() {
	  local id=$$1 rc seconds line result
	  read -r rc seconds <"$$logdir/$$id.done"
	  line=$$(grep -E "$$PYTEST_CLOSING" "$$logdir/$$id.log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$$//' || true)
	  if [ "$$rc" -eq 0 ]; then result=ok; else result="FAILED (exit $$rc)"; status=1; fi
	  summary[$$id]=$$(printf '%-22s %-18s %4ss  %s' "$${names[$$id]}" "$$result" "$$seconds" "$$line")
	  if [ -n "$$line" ]; then totals+=("$$line"); fi
	}
	# step NAME COMMAND...: run a step now, then show its output.
	step() {
	  local id=$${#names[@]}; names+=("$$1")
	  echo; echo "==> $$1"
	  run_step "$$id" "$$@"
	  cat "$$logdir/$$id.log"
	  report "$$id"
	}
	# step_in_background NAME COMMAND...: start a step; `wait_for_steps` prints its
	# output when it ends.
	step_in_background() {
	  local id=$${#names[@]}; names+=("$$1")
	  echo; echo "==> $$1: started, its output follows when it ends"
	  : >"$$logdir/$$id.log"
	  run_step "$$id" "$$@" &
	  pids[$$id]=$$!
	}
	wait_for_steps() {
	  local id
	  while [ $${#pids[@]} -gt 0 ]; do
	    wait -n "$${pids[@]}" || true
	    for id in "$${!pids[@]}"; do
	      if [ -f "$$logdir/$$id.done" ]; then
	        wait "$${pids[$$id]}" || true
	        unset "pids[$$id]"
	        echo; echo "==> $${names[$$id]} (ended)"
	        cat "$$logdir/$$id.log"
	        report "$$id"
	      fi
	    done
	  done
	}
	step "ruff check" $(BIN)/ruff check .
	step "ruff format --check" $(BIN)/ruff format --check .
	# The layers and "another app only through services/signals" (pyproject.toml).
	step "lint-imports" $(BIN)/lint-imports
	step_in_background "pytest on SQLite" env -u DATABASE_URL JIYUE_TEST_DB=sqlite \
	  $(BIN)/pytest --ds=$(TEST_SETTINGS) $(PYTEST_ARGS)
	# The engine must be known before Django starts; tests/conftest.py starts a throw-away
	# cluster and fills in its host and port (tests/db.py).
	step_in_background "pytest on PostgreSQL" env JIYUE_TEST_DB=postgres \
	  DATABASE_URL=$(PG_PLACEHOLDER_URL) $(BIN)/pytest --ds=$(TEST_SETTINGS) $(PYTEST_ARGS)
	wait_for_steps
	echo; echo "==> summary"
	printf '  %s\n' "$${summary[@]}"
	elapsed=$$((SECONDS - started))
	printf '  %-22s %dm%02ds\n' "wall time" $$((elapsed / 60)) $$((elapsed % 60))
	# One closing line over both runs: "tests: N passed, N failed, N skipped".
	printf '%s\n' "$${totals[@]}" | awk '
	  { for (i = 1; i <= NF; i++) { n = $$i + 0; w = $$(i + 1); sub(/[,]/, "", w)
	      if (w == "passed") p += n; else if (w == "failed") f += n
	      else if (w == "error" || w == "errors") f += n; else if (w == "skipped") s += n } }
	  END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }'
	exit $$status

# --- tooling -------------------------------------------------------------------------

lint: $(STAMP)
	@$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(STAMP)
	@$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks are not tests: each prints its figures and the workload it ran
# (docs/benchmarks.md). BENCH_DIR keeps the 100-site platform between runs; nginx and
# wrk come from Debian (installed here when missing and root).
BENCH_DIR ?= var/bench
bench: $(STAMP)
	@for tool in nginx wrk; do
	  if ! command -v $$tool >/dev/null 2>&1 && [ ! -x /usr/sbin/$$tool ]; then
	    if [ "$$(id -u)" = 0 ]; then
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
	    else echo "error: bench needs nginx and wrk (apt-get install nginx-light wrk)" >&2; exit 1; fi
	  fi
	done
	$(BIN)/python bench/demo_load.py
	$(BIN)/python bench/import_rate.py
	if [ ! -f "$(BENCH_DIR)/jiyue.sqlite3" ]; then
	  $(BIN)/python bench/build_platform.py --var-dir "$(BENCH_DIR)"
	fi
	$(BIN)/python bench/push_latency.py --var-dir "$(BENCH_DIR)"
	$(BIN)/python bench/http_pages.py --var-dir "$(BENCH_DIR)"
