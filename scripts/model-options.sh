# The `partipris train` options of every shipped model, in one place: sourced by
# scripts/train-models.sh (which rebuilds the models) and by .ci/run (which retrains genre and
# checks that it comes out byte for byte as shipped). Needs $data (the datasets folder).

# House-style cues (typographic apostrophes, no-break spaces) tell the training sources apart,
# not satire or genre: left out of the models that would lean on them.
house_style=(--drop-feature style.typographic_apostrophe_share --drop-feature style.nonbreaking_space_share)
# The length of a text and its type-token ratio (which falls with length) tell the training
# corpora's sources and their editing apart (SemEval's satire is shorter than its opinion
# pieces, AllSides outlets differ in length), and a linear model extrapolates them: with them,
# genre called any French text of 30 words satire and leaning any English one right-wing
# (tests/short_texts.rs).
length=(--drop-feature style.log_words --drop-feature style.type_token_ratio)

persuasion_options=(--task persuasion --data "$data/semeval2023_task3.jsonl.gz" --ngrams 800)
# The curated lexicons cover French and English only, and genre trains on six languages: their
# densities mean one thing in two of them and nothing in the others (left out of genre).
genre_options=(--task genre --data "$data/semeval2023_task3.jsonl.gz" --ngrams 800 "${house_style[@]}"
  "${length[@]}" --drop-feature 'lexicon.*')
satire_options=(--task satire --data "$data/fresada_train.jsonl.gz" "${house_style[@]}")
# Leaning keeps the type-token ratio: without it validation macro-F1 fell from 0.355 to 0.332.
leaning_options=(--task leaning --data "$data/allsides_leaning.jsonl.gz" --drop-feature style.log_words)
sentence_bias_options=(--task sentence_bias --data "$data/babe_sentences.jsonl.gz")
stance_options=(--task stance --data "$data/semeval2016_stance.jsonl.gz"
  --data "$data/semeval2025_narratives.jsonl.gz" --data "$data/fignews_bias.jsonl.gz"
  --ngrams 1500 --ngrams-per-target 1500 --evidence 20000)
