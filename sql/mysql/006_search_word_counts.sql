-- How many rows each word of the search index has (issue 8; docs/PERFORMANCE.md, "Finding a doctor").
-- A search of several words starts from the word with the fewest rows; counting them (up to 2,000 each)
-- was most of such a search's plan. Kept by triggers on the words, as the words are kept by triggers
-- on doctor_info. A doctor's sign-up or change now also updates the counts of its words (one row
-- each, locked to the commit; a deadlock between two such changes is retried by the application).
CREATE TABLE IF NOT EXISTS doctor_search_words (
    term    VARCHAR(84) NOT NULL PRIMARY KEY,
    doctors INT         NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO doctor_search_words (term, doctors) SELECT term, COUNT(*) FROM doctor_search_terms GROUP BY term;

CREATE TRIGGER doctor_search_words_ai AFTER INSERT ON doctor_search_terms FOR EACH ROW
    INSERT INTO doctor_search_words (term, doctors) VALUES (NEW.term, 1)
        ON DUPLICATE KEY UPDATE doctors = doctors + 1;

CREATE TRIGGER doctor_search_words_ad AFTER DELETE ON doctor_search_terms FOR EACH ROW
    UPDATE doctor_search_words SET doctors = doctors - 1 WHERE term = OLD.term;
