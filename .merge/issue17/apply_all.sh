#!/usr/bin/env bash
# Re-apply every notebook edit of issue 17 to the repository given as $1
# (default: the current directory), with that repository's .venv:
#   .merge/issue17/apply_all.sh /work/main
# Each script edits named cells (by id) with nbformat, skips an edit that is
# already there, and prints "SKIPPED ..." naming the cell when the text it
# expects has changed (apply those by hand). Re-execute the touched chapters
# afterwards (scripts/execute_notebooks.py), one at a time.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "${1:-.}"
PY=${PY:-.venv/bin/python}
for s in fix_ch7_summary fix_equations fix_ch3_tables fix_ch3_caption fix_ch7_tables fix_ch7_caption_line \
         fix_figures fix_fig53_legend fix_ch6_tables fix_ch4_prose fix_solution_2_6; do
    echo "== $s"; "$PY" "$HERE/$s.py"
done
echo "== fix_relu_prime"; "$PY" "$HERE/fix_relu_prime.py" chapters/*.ipynb
