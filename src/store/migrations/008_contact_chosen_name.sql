-- The name the user gave a contact on its page or with `rapport details`; it wins over
-- the display names seen in their mail.
alter table contact add column chosen_name text;

-- The display name most used in a contact's mail; ties go to the longer (fuller) name,
-- then alphabetical, so the result does not depend on import order.
create function contact_mail_name(contact_id integer) returns text
  language sql stable parallel safe
  return (select n.name from contact_name n where n.contact_id = $1
          order by n.seen_count desc, length(n.name) desc, n.name limit 1);

-- The name a contact goes by everywhere: the user's choice, else the one from their mail.
-- One definition for every query that shows a name.
create function contact_display_name(contact_id integer) returns text
  language sql stable parallel safe
  return coalesce((select c.chosen_name from contact c where c.id = $1), contact_mail_name($1));
