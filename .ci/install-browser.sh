#!/bin/sh
# Installs what the HTML report's browser test (internal/report/html,
# TestBrowser) needs: Debian's chromium at /usr/bin/chromium and
# playwright-core from the committed lockfile. Idempotent: each step runs only
# when its result is missing. playwright-core never downloads a browser here.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
e2e="$root/internal/report/html/e2e"

if [ ! -x /usr/bin/chromium ]; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
	echo "install-browser: installing Debian chromium" >&2
	$sudo apt-get update
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium
fi

if [ ! -f "$e2e/node_modules/playwright-core/package.json" ]; then
	echo "install-browser: npm ci in $e2e" >&2
	(cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund)
fi

/usr/bin/chromium --version >&2
