#!/usr/bin/env bash
# Rebuilds every shipped model from the shared corpora, deterministically (seed 42): first the
# learned lexicons (models/lexicons/learned-*.toml), then the five classifiers and the stance
# model (models/*.json), with the options in scripts/model-options.sh.
# Usage: bash scripts/train-models.sh [DATASETS_DIR]   (default: ../shared/datasets)
# The binary is built without the embedded models, so this works even when models/ is empty;
# it is built again after the lexicons are learned, since lexicons are embedded. It is built
# with the `train` profile (release without LTO: half the build time, the same models).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/datasets}"
bin=target/train/partipris
start=$(date +%s)
cargo build --profile train --no-default-features --quiet
"$bin" learn-lexicon --semeval "$data/semeval2023_task3.jsonl.gz" \
  --babe "$data/babe_sentences.jsonl.gz" --out-dir models/lexicons
cargo build --profile train --no-default-features --quiet
# shellcheck source=scripts/model-options.sh
. scripts/model-options.sh
"$bin" train "${persuasion_options[@]}" --out models/persuasion.json.gz
"$bin" train "${genre_options[@]}" --out models/genre.json
"$bin" train "${satire_options[@]}" --out models/satire.json
"$bin" train "${leaning_options[@]}" --out models/leaning.json
"$bin" train "${sentence_bias_options[@]}" --out models/sentence_bias.json
"$bin" train "${stance_options[@]}" --out models/stance.json.gz
echo "all models rebuilt in $(( $(date +%s) - start )) s"
