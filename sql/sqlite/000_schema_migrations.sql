-- Applied before every migration run: the record of which numbered migrations are in place.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER      NOT NULL PRIMARY KEY,
    name       VARCHAR(200) NOT NULL,
    applied_at DATETIME     NOT NULL
);
