-- Least-privilege account for the MedLink application on a shared MySQL/MariaDB server.
--
-- Run it as an administrator AFTER `python main.py init-db` (table grants need the tables):
--   mysql -u root -p -e "SET @app_db='medlink', @app_user='medlink_app', @app_host='%', \
--                        @app_password='choose-a-long-password'; SOURCE sql/grants.sql"
-- then point the desktops at mysql://medlink_app:<password>@<host>:3306/medlink.
--
-- The account gets no DDL at all (no CREATE, ALTER, DROP, INDEX, GRANT), read-only access to
-- schema_migrations, and only SELECT and INSERT on audit_log: the trail cannot be rewritten with
-- the application's credentials. The password is never stored in this repository.

SET @app_db = COALESCE(@app_db, 'medlink');
SET @app_user = COALESCE(@app_user, 'medlink_app');
SET @app_host = COALESCE(@app_host, '%');
SET @db = CONCAT('`', REPLACE(@app_db, '`', '``'), '`');
SET @who = CONCAT(QUOTE(@app_user), '@', QUOTE(@app_host));

SET @s = CONCAT('CREATE USER IF NOT EXISTS ', @who, ' IDENTIFIED BY ', QUOTE(@app_password));
PREPARE stmt FROM @s;
EXECUTE stmt;
DEALLOCATE PREPARE stmt;

SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.admins TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.patient_info TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.doctor_info TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.doctor_availability TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.doctor_leave TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.appointments TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.bills TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.receipt_counters TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.medical_records TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.record_shares TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.video_calls TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE, DELETE ON ', @db, '.email_outbox TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
-- The chain head moves with every audit row, so it needs UPDATE; the rows themselves never change.
SET @s = CONCAT('GRANT SELECT, INSERT, UPDATE ON ', @db, '.audit_head TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT, INSERT ON ', @db, '.audit_log TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
-- Search index and counts (migrations 003-006): written only by triggers, which run with the rights
-- of the account that ran init-db; the application reads them.
SET @s = CONCAT('GRANT SELECT ON ', @db, '.doctor_search_terms TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT ON ', @db, '.doctor_search_words TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT ON ', @db, '.doctor_listing_counts TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
SET @s = CONCAT('GRANT SELECT ON ', @db, '.schema_migrations TO ', @who);
PREPARE stmt FROM @s;
EXECUTE stmt;
DEALLOCATE PREPARE stmt;
