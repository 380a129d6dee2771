-- How the user says they got a contact's name ("the alumni directory"), typed on the
-- contact's page or with `rapport details --source`. It wins over a targets file's source
-- and over what ingest noted in how_we_met, which stays as it was.
alter table contact add column chosen_source text;
