#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (Ubuntu 22.04 by default):
# https://gradescope-autograders.readthedocs.io/en/latest/specs/
# It installs bubblewrap and Python 3.11, then the course book's package from the wheel in this zip
# (the version `coursebook autograder gradescope` was run with) and its dependencies at the versions
# pinned in constraints.txt, into a virtual environment of its own.
#
# Outside Gradescope (the test suite does this) the same steps run with:
#   AUTOGRADER_ROOT      the folder laid out as /autograder (default /autograder)
#   COURSEBOOK_SYSTEM_PACKAGES=0   skip apt-get (bubblewrap and python3.11 already installed)
#   COURSEBOOK_PYTHON    the Python 3.11 to build the environment with (default python3.11)
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/coursebook-venv"
PYTHON="${COURSEBOOK_PYTHON:-python3.11}"

if [ "${COURSEBOOK_SYSTEM_PACKAGES:-1}" = 1 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # bubblewrap: the sandbox, used when the container lets it create namespaces.
    apt-get install -y -qq bubblewrap
    if ! command -v python3.11 >/dev/null 2>&1; then
        # Ubuntu 22.04 has python3.11 in universe; other releases get it from the deadsnakes PPA.
        if ! apt-get install -y -qq python3.11 python3.11-venv; then
            apt-get install -y -qq software-properties-common
            add-apt-repository -y ppa:deadsnakes/ppa
            apt-get update -qq
            apt-get install -y -qq python3.11 python3.11-venv
        fi
    fi
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c "$SOURCE/constraints.txt" "$SOURCE"/wheels/coursebook-*.whl
# Fails the image build (with a message in the build log) when the install or the answer key is wrong.
"$VENV/bin/python" -m coursebook.classroom.autograder.gradescope_run --check "$ROOT"
# The answer key and configuration are root's alone: where the sandbox cannot run, the student's
# kernel runs under a uid of its own and cannot read them.
chmod -R go-rwx "$SOURCE"
