# PGXS build for pggit. `make install` puts the control file and install script in
# PostgreSQL's extension directory, and the Python package and templates beside them
# in $(datadir)/extension/pggit/, where the extension's plpython3u functions import them.

EXTENSION  = pggit
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)
DATA       = $(EXTENSION)--$(EXTVERSION).sql

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

PGGIT_HOME   = $(DESTDIR)$(datadir)/extension/$(EXTENSION)
# The interpreter plpython3u runs (Debian's; not a pyenv python3 on PATH): the package
# is byte-compiled for it at install, since the server cannot write __pycache__ there
# and would otherwise compile every module again in every session.
PLPYTHON    ?= /usr/bin/python3
PYTHON_FILES = $(shell find python/pggit -name '*.py' -o -name '*.sql' | sort)
TEMPLATES    = $(wildcard templates/*.j2)

# Built beside the old copy and swapped in, so a file removed from the source tree
# does not linger and a server importing meanwhile never sees a half-copied package.
install: install-pggit-home
install-pggit-home:
	rm -rf '$(PGGIT_HOME).new' '$(PGGIT_HOME).old'
	for f in $(PYTHON_FILES) $(TEMPLATES); do \
		$(INSTALL) -d "$(PGGIT_HOME).new/$$(dirname $$f)" && \
		$(INSTALL_DATA) "$$f" "$(PGGIT_HOME).new/$$f" || exit 1; \
	done
	if [ -x '$(PLPYTHON)' ]; then '$(PLPYTHON)' -m compileall -q '$(PGGIT_HOME).new/python'; fi
	if [ -d '$(PGGIT_HOME)' ]; then mv '$(PGGIT_HOME)' '$(PGGIT_HOME).old'; fi
	mv '$(PGGIT_HOME).new' '$(PGGIT_HOME)'
	rm -rf '$(PGGIT_HOME).old'

uninstall: uninstall-pggit-home
uninstall-pggit-home:
	rm -rf '$(PGGIT_HOME)'

# The PGXN release zip, made from what git tracks.
dist:
	git archive --format zip --prefix=$(EXTENSION)-$(EXTVERSION)/ -o $(EXTENSION)-$(EXTVERSION).zip HEAD

.PHONY: install-pggit-home uninstall-pggit-home dist
