#!/bin/sh
# The system packages `make test` needs: Chromium and a CJK font for the browser
# tests, gettext (msgfmt) for the message catalogs. Installs the missing ones
# with apt-get when it may (root); otherwise stops with the one command to run.
set -eu

missing=""
command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
# TCLOUD_CHROMIUM names another browser build: then it is the user's to provide.
if [ -z "${TCLOUD_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  missing="$missing chromium"
fi
# Without a CJK font the Chinese pages render as boxes in the screenshots.
fc-list ':lang=zh-tw' family 2>/dev/null | grep -q 'Noto Sans CJK' || missing="$missing fonts-noto-cjk"

[ -z "$missing" ] && exit 0
missing="${missing# }"

if ! command -v apt-get >/dev/null 2>&1; then
  echo "tcloud tests need $missing (Debian's package names): install them with this system's package manager" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "tcloud tests need $missing: run \`sudo apt-get install -y --no-install-recommends $missing\`, then make test again" >&2
  exit 1
fi
echo "tcloud tests: apt-get install $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $missing >/dev/null
