#!/usr/bin/env bash
# Scoring speed of two builds, interleaved: sentiment_scoring_bench of build A and of build B
# alternately, RUNS times each, ROUNDS rounds per run, over the same messages (the chat and
# labelled sets of this tree); prints every round and the median messages/s per core of each build.
#   plugins/conversation/bench/scoring_speed_ab.sh <A: bench binary> <A: lexicon dir> \
#       <B: bench binary> <B: lexicon dir> [runs=7] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/../../.."
A_BIN=$1 A_LEX=$2 B_BIN=$3 B_LEX=$4 RUNS=${5:-7} ROUNDS=${6:-5}
D=plugins/conversation/tests/data
SETS="$D/chat_dev.tsv $D/chat_holdout.tsv $D/chat_holdout2.tsv $D/labelled.tsv $D/holdout.tsv"
OUT=$(mktemp -d)
for run in $(seq "$RUNS"); do
  "$A_BIN" "$A_LEX" "$ROUNDS" $SETS | tee -a "$OUT/a" | sed "s/^/A run $run /"
  "$B_BIN" "$B_LEX" "$ROUNDS" $SETS | tee -a "$OUT/b" | sed "s/^/B run $run /"
done
median() { grep -o '= [0-9]* messages' "$1" | awk '{print $2}' | sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
A=$(median "$OUT/a"); B=$(median "$OUT/b")
echo "median messages/s per core: A $A, B $B, B/A $(awk -v a="$A" -v b="$B" 'BEGIN {printf "%.3f", b/a}')"
rm -rf "$OUT"
