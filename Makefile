# `make` sets everything up and builds dist/; `make test` sets up and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TEX_PACKAGES := texlive-latex-base texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended lmodern cm-super-minimal dvipng latexmk poppler-utils
TEX_TOOLS := pdflatex latexmk kpsewhich pdftotext pdfinfo pdffonts
# The real clients the tests check the EPUB and the HTML handbook with.
TEST_PACKAGES := epubcheck default-jre-headless chromium dvisvgm
TEST_FILES := /usr/share/java/epubcheck.jar /usr/bin/java /usr/bin/chromium /usr/bin/dvisvgm

MATHJAX := tests/mathjax/node_modules/mathjax-full

.PHONY: all build anki test bench check watch preview tex testtools clean

# After a recipe line sets `missing`: install the Debian packages $(2) with
# apt-get when we are root, else print the command and stop.
apt_or_stop = if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing $(1) (missing:$$missing)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(2) >/dev/null; \
	  else \
	    echo "Missing:$$missing. Install them with:"; \
	    echo "  sudo apt-get install -y --no-install-recommends $(2)"; \
	    exit 1; \
	  fi; \
	fi

all: build

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

tex:
	@missing=""; for tool in $(TEX_TOOLS); do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	$(call apt_or_stop,TeX Live and poppler,$(TEX_PACKAGES))

testtools:
	@missing=""; for file in $(TEST_FILES); do [ -e $$file ] || missing="$$missing $$file"; done; \
	$(call apt_or_stop,the test clients,$(TEST_PACKAGES))

build: $(INSTALLED) tex
	$(BIN)/handbook build

check: $(INSTALLED)
	$(BIN)/handbook check

watch: $(INSTALLED) tex
	$(BIN)/handbook watch

# The tests render the book's maths with MathJax itself, from npm.
$(MATHJAX): tests/mathjax/package.json tests/mathjax/package-lock.json
	@missing=""; command -v npm >/dev/null 2>&1 || missing=" npm"; \
	$(call apt_or_stop,Node.js and npm,nodejs npm)
	npm ci --prefix tests/mathjax --no-audit --no-fund --silent
	touch $@

preview: $(INSTALLED)
	$(BIN)/handbook preview

test: $(INSTALLED) tex testtools $(MATHJAX)
	$(BIN)/python -m pytest

# The benchmark runs pandoc beside the build, as the peer to compare with.
bench: $(INSTALLED) tex
	@command -v pandoc >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pandoc >/dev/null; \
	  else echo "pandoc not found: the peer column stays empty (sudo apt-get install pandoc)"; fi; }
	$(BIN)/python tests/bench.py --out bench.md

clean:
	rm -rf build dist
