-- The name the user gave a contact on its page or with `rapport details`; it wins over
-- the display names seen in their mail (src/store/contact-name-sql.ts).
alter table contact add column chosen_name text;
