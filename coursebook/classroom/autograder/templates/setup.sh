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

python_ok() {  # a Python 3.11 at 3.11.5 or later, with venv
    "$1" -c 'import sys, venv; sys.exit(not ((3, 11, 5) <= sys.version_info[:3] < (3, 12)))' 2>/dev/null
}

if [ "${COURSEBOOK_SYSTEM_PACKAGES:-1}" = 1 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # bubblewrap: the sandbox, used when the container lets it create namespaces; libseccomp2:
    # its seccomp filter (and the key-ring isolation), built through the pyseccomp package.
    apt-get install -y -qq bubblewrap libseccomp2
    # The pinned dependencies need Python 3.11.5 or later: Ubuntu 22.04's own python3.11 is 3.11.0,
    # so a missing or older one comes from the deadsnakes PPA (current 3.11 releases for Ubuntu).
    if ! python_ok "$PYTHON"; then
        apt-get install -y -qq software-properties-common
        add-apt-repository -y ppa:deadsnakes/ppa
        apt-get update -qq
        apt-get install -y -qq python3.11 python3.11-venv
    fi
fi
if ! python_ok "$PYTHON"; then
    echo "error: $PYTHON is missing or older than 3.11.5, which the pinned dependencies need" >&2
    exit 1
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c "$SOURCE/constraints.txt" "$SOURCE"/wheels/coursebook-*.whl
# Fails the image build (with a message in the build log) when the install or the answer key is wrong.
"$VENV/bin/python" -m coursebook.classroom.autograder.gradescope_run --check "$ROOT"
# The answer key and configuration are root's alone: where the sandbox cannot run, the student's
# kernel runs under a uid of its own and cannot read them.
chmod -R go-rwx "$SOURCE"
