#!/usr/bin/env bash
# Regenerates the committed evaluation reports of the shipped models, eval/partipris-TASK.md and
# .json: `partipris eval --partition validation --by lang` (1,000 bootstrap resamples) of every
# task on its validation data in ../shared/datasets. models/figures.json and the model card
# quote these reports; .ci/run re-measures them with this script (OUT=target/ci-eval
# RESAMPLES=0 FORMATS=json).
# Usage: bash scripts/eval-models.sh [DATASETS_DIR]   (default: ../shared/datasets)
# Environment: OUT (default eval), RESAMPLES (bootstrap resamples, default 1000),
#              FORMATS (default "json md").
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/datasets}"
out=${OUT:-eval}
resamples=${RESAMPLES:-1000}
formats=${FORMATS:-json md}
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/partipris
for spec in persuasion:semeval2023_task3 genre:semeval2023_task3 satire:fresada_train \
            leaning:allsides_leaning sentence_bias:babe_sentences \
            stance:semeval2016_stance entity_stance:semeval2025_narratives; do
  task=${spec%%:*}; file="$data/${spec#*:}.jsonl.gz"
  case $task in
    stance|entity_stance) model=models/stance.json.gz ;;
    *) model=models/$task.json; [ -f "$model" ] || model=$model.gz ;;
  esac
  for format in $formats; do
    "$bin" eval --task "$task" --data "$file" --model "$model" --partition validation \
      --by lang --resamples "$resamples" --format "$format" > "$out/partipris-$task.$format"
  done
  echo "$out/partipris-$task ($formats)"
done
