-- FTS5 merged its index segments inside whichever intake happened to fill a level: at 1,000,000
-- dossiers every 64th intake wrote ~650 pages and took 40–60 ms (BENCHMARKS.md). Merging now
-- runs in `Store::maintain`, which the app calls while the counter is idle. If maintenance
-- never runs, FTS5's crisis merge (16 segments on one level) still bounds the index.
INSERT INTO dossier_name_search (dossier_name_search, rank) VALUES ('automerge', 0);
