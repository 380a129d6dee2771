-- Contacts that may be one person: the same full name, or addresses that differ only in
-- the punctuation of their local part (christie.patrick@ and christie_patrick@). The keys
-- are SQL functions so that the indexes and the queries compute them the same way.

-- A display name without case, punctuation or runs of spaces: "Pierre-Philippe  Ste-Marie"
-- and "pierre philippe ste marie" give the same key.
create function contact_name_key(name text) returns text
  language sql immutable parallel safe
  return btrim(regexp_replace(lower(name), '[[:space:][:punct:]]+', ' ', 'g'));

-- An address without the dots, underscores and hyphens of its local part, nor a +tag.
create function contact_address_key(address text) returns text
  language sql immutable parallel safe
  return regexp_replace(split_part(split_part(address, '@', 1), '+', 1), '[._-]', '', 'g') || '@' || split_part(address, '@', 2);

create index contact_name_by_key on contact_name (contact_name_key(name));
create index contact_email_by_key on contact_email (contact_address_key(address));

-- Pairs the user said are two people, so they are not suggested again (smaller id first).
create table contact_distinct (
  contact_id integer not null references contact (id) on delete cascade,
  other_id integer not null references contact (id) on delete cascade,
  primary key (contact_id, other_id),
  check (contact_id < other_id)
);
create index contact_distinct_other on contact_distinct (other_id);
