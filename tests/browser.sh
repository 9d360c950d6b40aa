#!/usr/bin/env bash
# The browser checks moved to tests/browser/ (Playwright for Python driving Debian's
# Chromium); this name stays so that older CI lines keep working.
# Usage: tests/browser.sh [path/to/zhengce] [check_pages.py options…]
exec bash "$(dirname "$0")/browser/run.sh" "$@"
