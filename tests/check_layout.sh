#!/usr/bin/env bash
# check_layout.sh: no folder includes a header from a folder above it (docs/layout.md), and no
# library code uses assert(), which release builds compile out.
# Each folder may include its own headers and those of the folders listed for it; anything
# else fails the test with the file, the line and the include. Run from the repository root.
set -u
cd "$(dirname "$0")/.."

# folder: folders it may include from (besides itself)
declare -A allowed=(
  [sim/base]=""
  [sim/erasure]="sim/base"
  [sim/device]="sim/base"
  [sim/scenario]="sim/base sim/device"
  [sim/results]="sim/base sim/device sim/scenario"
  [sim/engine]="sim/base sim/device sim/scenario sim/results"
  [protocols]="sim/base sim/erasure sim/device sim/scenario sim/results sim/engine"
  [sim/run]="sim/base sim/device sim/scenario sim/results sim/engine"
  [plots]="sim/base sim/results"
  [gpu]="sim/base sim/erasure sim/device"
  [sim/cli]="sim/base sim/erasure sim/device sim/scenario sim/results sim/engine protocols sim/run plots gpu"
)

# The folder of the table a path belongs to (protocols/<layer>/... is "protocols").
folder_of() {
  case "$1" in
    protocols/*) echo protocols ;;
    gpu/*) echo gpu ;;
    plots/*) echo plots ;;
    sim/*/*) echo "${1%/*}" | cut -d/ -f1-2 ;;
    *) echo "" ;;
  esac
}

bad=0 checked=0
for file in $(git ls-files 'sim/*.[ch]' 'protocols/*.[ch]' 'plots/*.[ch]' 'gpu/*.[ch]' 'gpu/*.cu'); do
  from=$(folder_of "$file")
  if [ -z "$from" ] || [ -z "${allowed[$from]+set}" ]; then
    echo "$file: in no folder of the layout table (tests/check_layout.sh)"
    bad=$((bad + 1))
    continue
  fi
  checked=$((checked + 1))
  while IFS=: read -r line header; do
    to=$(folder_of "$header")
    [ -z "$to" ] || [ "$to" = "$from" ] && continue
    case " ${allowed[$from]} " in
      *" $to "*) ;;
      *) echo "$file:$line: includes $header: $from may not depend on $to"; bad=$((bad + 1)) ;;
    esac
  done < <(grep -n '^#include "' "$file" | sed -E 's/^([0-9]+):#include "([^"]+)".*/\1:\2/')
done
# Invariants stay checked in release builds: xbt_assert, never assert() (NDEBUG removes it).
while IFS=: read -r file line _; do
  echo "$file:$line: includes <assert.h>: use xbt_assert, which release builds keep"
  bad=$((bad + 1))
done < <(git grep -n '^#include <assert.h>' -- sim protocols plots gpu)

echo "layout: $checked files checked, $bad problem(s)"
[ "$bad" -eq 0 ]
