#!/usr/bin/env bash
# Rebuilds every shipped model from the shared corpora, deterministically (seed 42): first the
# learned lexicons (models/lexicons/learned-*.toml), then the five classifiers and the stance
# model (models/*.json).
# Usage: bash scripts/train-models.sh [DATASETS_DIR]   (default: ../shared/datasets)
# The binary is built without the embedded models, so this works even when models/ is empty;
# it is built again after the lexicons are learned, since lexicons are embedded.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/datasets}"
bin=target/release/partipris
start=$(date +%s)
cargo build --release --no-default-features --quiet
"$bin" learn-lexicon --semeval "$data/semeval2023_task3.jsonl.gz" \
  --babe "$data/babe_sentences.jsonl.gz" --out-dir models/lexicons
cargo build --release --no-default-features --quiet
"$bin" train --task persuasion --data "$data/semeval2023_task3.jsonl.gz" --ngrams 800 --out models/persuasion.json.gz
# House-style cues (typographic apostrophes, no-break spaces) tell the training sources apart,
# not satire or genre: left out of the models that would lean on them.
style="--drop-feature style.typographic_apostrophe_share --drop-feature style.nonbreaking_space_share"
# The curated lexicons cover French and English only, and genre trains on six languages: their
# densities mean one thing in two of them and nothing in the others (left out of genre).
"$bin" train --task genre --data "$data/semeval2023_task3.jsonl.gz" --ngrams 800 $style \
  --drop-feature 'lexicon.*' --out models/genre.json
"$bin" train --task satire --data "$data/fresada_train.jsonl.gz" $style --out models/satire.json
"$bin" train --task leaning --data "$data/allsides_leaning.jsonl.gz" --out models/leaning.json
"$bin" train --task sentence_bias --data "$data/babe_sentences.jsonl.gz" --out models/sentence_bias.json
"$bin" train --task stance --data "$data/semeval2016_stance.jsonl.gz" --data "$data/semeval2025_narratives.jsonl.gz" \
  --data "$data/fignews_bias.jsonl.gz" --ngrams 1500 --ngrams-per-target 1500 --evidence 20000 --out models/stance.json.gz
echo "all models rebuilt in $(( $(date +%s) - start )) s"
