#!/bin/sh
# Makes the virtual environment the queue environment activates, once, on the shared file
# system: from the system's python3-venv, seeing the system's packages, with nothing downloaded
# (no pip). Add what the jobs need to the system image, or copy wheels in and install them here
# with `pip install --no-index --find-links DIR` run by hand.
#   sh setup-venv.sh /shared/envs/py    (default: ./venv beside this script)
set -eu
dir="${1:-$(dirname "$0")/venv}"
python3 -m venv --system-site-packages --without-pip "$dir"
echo "virtual environment ready: $dir"
