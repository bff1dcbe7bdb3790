#!/bin/sh
# Debian packages the suite needs; installed once, quietly, when missing.
set -e
need=""
# Pango draws the text of WeasyPrint's PDFs (printable exports).
PACKAGES="postgresql-client chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
for pkg in $PACKAGES; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
done
# npm installs axe-core for the browser tests; Node.js may come from elsewhere than Debian.
command -v npm >/dev/null 2>&1 || need="$need nodejs npm"
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need
