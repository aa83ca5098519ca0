-- How many rows each word of the search index has (issue 8; docs/PERFORMANCE.md, "Finding a doctor").
-- A search of several words starts from the word with the fewest rows; counting them (up to 2,000 each)
-- was half of such a search's plan. Kept by triggers on the words, as the words are kept by triggers on
-- doctor_info. Follows sql/mysql/006_search_word_counts.sql.
CREATE TABLE IF NOT EXISTS doctor_search_words (
    term    VARCHAR(84) NOT NULL PRIMARY KEY,
    doctors INTEGER     NOT NULL
) WITHOUT ROWID;

INSERT INTO doctor_search_words (term, doctors) SELECT term, COUNT(*) FROM doctor_search_terms GROUP BY term;

CREATE TRIGGER IF NOT EXISTS doctor_search_words_ai AFTER INSERT ON doctor_search_terms
BEGIN
    INSERT INTO doctor_search_words (term, doctors) VALUES (NEW.term, 1)
        ON CONFLICT (term) DO UPDATE SET doctors = doctors + 1
; END;

CREATE TRIGGER IF NOT EXISTS doctor_search_words_ad AFTER DELETE ON doctor_search_terms
BEGIN
    UPDATE doctor_search_words SET doctors = doctors - 1 WHERE term = OLD.term
; END;
