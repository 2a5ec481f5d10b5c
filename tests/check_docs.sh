#!/usr/bin/env bash
# check_docs.sh: the documents a reader navigates stay true to the repository.
#   1. README.md is a front page: at most 15 KB.
#   2. Every document named in README.md, docs/, the code, the tests and the scripts exists.
#   3. The key tables in docs/ match the keys the simulator accepts. A table row whose first
#      cell is a key path in backticks (| `ledger.dissemination.fanout` | ...) documents that
#      key; `providers[].uplink` is a key of each element of a sequence. For the root and for
#      every documented key, the binary is asked which keys that mapping allows (an override
#      with an unknown key makes it list them; a mapping with a `kind` is asked once a kind),
#      and the documented children must be exactly those. Free-form mappings (latency, targets)
#      list no allowed keys and are leaves.
# Usage: tests/check_docs.sh [DEPINSIM_BINARY]  (ctest passes DEPINSIM_BIN). Run from anywhere.
set -u
cd "$(dirname "$0")/.."
bin=${1:-${DEPINSIM_BIN:-build/depinsim}}
problems=0
problem() {
  echo "$*"
  problems=$((problems + 1))
}

# 1. The front page.
readme_limit=15360
size=$(wc -c <README.md)
[ "$size" -le $readme_limit ] || problem "README.md: $size bytes, more than a front page's $readme_limit"

# 2. Named documents. A name resolves against the repository root or the naming file's folder.
named=0
while IFS=: read -r file doc; do
  named=$((named + 1))
  dir=$(dirname "$file")
  [ -e "$doc" ] || [ -e "$dir/$doc" ] || problem "$file: names $doc, which is not in the repository"
done < <(git ls-files README.md docs sim protocols gpu plots tests scenarios bootstrap.sh \
           CMakeLists.txt | xargs grep -oE '[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b' 2>/dev/null |
         grep -v '://' | sort -u)

# 3. Key tables.
documented=$(grep -rhoE '^\| *`[a-z_][]a-z0-9_.[-]*` *\|' docs | sed -E 's/^\| *`([^`]+)`.*/\1/' |
             sort)
duplicates=$(echo "$documented" | uniq -d)
[ -z "$duplicates" ] || problem "docs: keys documented more than once: $(echo $duplicates)"
documented=$(echo "$documented" | sort -u)

# The scenario a probe of this key path starts from: one that enables the layer that reads it.
base_scenario() {
  case "$1" in
    workload.blobs* | da*) echo scenarios/0g-da.yaml ;;
    workload.inference* | workload.training* | workload.rendering* | market*)
      echo scenarios/train-consumer.yaml ;;
    storage*) echo scenarios/0g-storage.yaml ;;
    grass*) echo scenarios/grass.yaml ;;
    verify.bittensor*) echo scenarios/verify-bittensor.yaml ;;
    verify*) echo scenarios/verify-gensyn.yaml ;;
    token*) echo scenarios/tokenomics.yaml ;;
    infernet*) echo scenarios/ritual-infernet.yaml ;;
    aethir*) echo scenarios/aethir.yaml ;;
    render*) echo scenarios/render.yaml ;;
    *) echo scenarios/default.yaml ;;
  esac
}

# "a.b[].c" VALUE -> the override "a={b: [{c: VALUE}]}" that puts VALUE at that path.
probe_override() {
  local path=$1 value=$2 parts i
  IFS=. read -ra parts <<<"$path"
  for ((i = ${#parts[@]} - 1; i >= 1; i--)); do
    local part=${parts[$i]}
    if [[ $part == *'[]' ]]; then value="{${part%\[\]}: [$value]}"; else value="{$part: $value}"; fi
  done
  local first=${parts[0]}
  if [[ $first == *'[]' ]]; then echo "${first%\[\]}=[$value]"; else echo "$first=$value"; fi
}

# What the binary lists as allowed when the mapping at path ("" for the root) holds VALUE:
# the text after "unknown key|value 'zz_probe' (allowed: ", one item a line.
allowed_with() {
  local set
  if [ -z "$1" ]; then set="zz_probe=1"; else set=$(probe_override "$1" "$2"); fi
  "$bin" validate "$(base_scenario "$1")" --set "$set" 2>&1 |
    sed -nE "s/.*unknown (key|value) 'zz_probe' \(allowed: (.*)\)$/\2/p" | head -1 |
    tr -d ' ' | tr ',' '\n'
}

# The keys the binary allows in the mapping at path, one a line; nothing for a leaf or a
# free-form mapping. A mapping with a `kind` allows the union of every kind's keys.
allowed_keys() {
  local keys
  keys=$(allowed_with "$1" '{zz_probe: 1}')
  if [ -n "$1" ] && echo "$keys" | grep -qx kind; then
    for kind in $(allowed_with "$1.kind" zz_probe); do
      keys+=$'\n'$(allowed_with "$1" "{kind: $kind, zz_probe: 1}")
    done
  fi
  echo "$keys"
}

# The documented children of path: the next component of every documented key under it.
documented_children() {
  local prefix=${1:+$1.}
  echo "$documented" | while read -r key; do
    [[ $key == "$prefix"* ]] || continue
    local rest=${key#"$prefix"}
    rest=${rest%%.*}
    echo "${rest%\[\]}"
  done | sort -u
}

if [ ! -x "$bin" ]; then
  problem "no depinsim binary at $bin to read the accepted keys from"
else
  checked=0
  # Every documented key and every mapping above one ("providers[]" for providers[].uplink).
  paths=$(echo "$documented" | awk -F. '{p = ""; for (i = 1; i <= NF; i++) {
            p = p (i > 1 ? "." : "") $i; print p }}' | sort -u)
  for path in "" $paths; do
    allowed=$(allowed_keys "$path" | sort -u)
    [ -n "$allowed" ] || continue
    checked=$((checked + 1))
    children=$(documented_children "$path")
    where=${path:-the root}
    for k in $(comm -23 <(echo "$allowed") <(echo "$children")); do
      problem "docs: ${path:+$path.}$k is accepted by depinsim but documented nowhere ($where)"
    done
    for k in $(comm -13 <(echo "$allowed") <(echo "$children")); do
      problem "docs: ${path:+$path.}$k is documented but depinsim does not accept it ($where)"
    done
  done
  echo "docs: $(echo "$documented" | wc -l) documented keys, $checked mappings compared with $bin"
fi
echo "docs: $named document names checked; $problems problem(s)"
[ "$problems" -eq 0 ]
