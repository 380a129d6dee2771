/**
 * The page's only stylesheet, served from /static/rapport.css: the Content-Security-Policy
 * allows styles from rapport's own origin and nothing inline.
 */
export const STYLESHEET = `
:root { --ink: #1d2433; --muted: #5b6475; --line: #d9dee8; --accent: #1f5fbf; --warn: #b45309; --bad: #b42318; --ok: #067647; --bg: #f6f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header.top { display: flex; gap: 1.5rem; align-items: center; padding: .75rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 700; letter-spacing: .02em; }
header.top nav { display: flex; gap: 1rem; flex: 1; }
header.top nav a { color: var(--muted); text-decoration: none; }
header.top nav a.current { color: var(--ink); font-weight: 600; }
main { max-width: 60rem; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
.notice, .error { padding: .6rem .9rem; border-radius: 6px; margin-bottom: 1rem; }
.notice { background: #ecfdf3; border: 1px solid #abefc6; }
.error { background: #fef3f2; border: 1px solid #fecdca; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .9rem 1.1rem; margin-bottom: .8rem; }
.card.reminded { border-left: 5px solid var(--warn); }
.card.needs-input { border-left: 5px solid var(--bad); }
.card h3 { margin: 0 0 .25rem; font-size: 1rem; }
.meta { color: var(--muted); font-size: .9rem; }
.preview { white-space: pre-wrap; color: var(--muted); margin: .4rem 0 0; max-height: 4.5em; overflow: hidden; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; border: 1px solid var(--line); background: var(--bg); margin-left: .3rem; }
.badge.reminder, .badge.overdue { background: #fffaeb; border-color: #fedf89; color: var(--warn); font-weight: 600; }
.badge.needs_input { background: #fef3f2; border-color: #fecdca; color: var(--bad); }
.badge.approved, .badge.delivered { background: #ecfdf3; border-color: #abefc6; color: var(--ok); }
.tabs { display: flex; gap: .5rem; margin-bottom: 1rem; flex-wrap: wrap; }
.tabs a { padding: .2rem .7rem; border-radius: 999px; border: 1px solid var(--line); background: #fff; text-decoration: none; color: var(--ink); }
.tabs a.current { background: var(--ink); color: #fff; }
td.note { white-space: pre-wrap; }
td.day { white-space: nowrap; }
textarea.note { min-height: 5rem; font-family: inherit; font-size: inherit; }
form.search { display: flex; gap: .5rem; align-items: center; margin-bottom: .6rem; }
form.search input[type=text] { flex: 1; }
form.stack label { display: block; font-weight: 600; margin: .6rem 0 .2rem; }
input[type=text], input[type=password], input[type=datetime-local], textarea, select { width: 100%; font: inherit; padding: .45rem .55rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
textarea { min-height: 16rem; font-family: ui-monospace, "SFMono-Regular", monospace; font-size: .9rem; }
input[type=datetime-local], select { width: auto; }
button { font: inherit; padding: .4rem .9rem; border-radius: 6px; border: 1px solid var(--line); background: #fff; cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { color: var(--bad); }
.actions { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: .8rem; }
.choice { display: block; font-weight: normal !important; margin: .3rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
table.list { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
table.list th, table.list td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.list th { color: var(--muted); font-weight: 600; font-size: .85rem; }
ul.brief { margin: .2rem 0 .6rem; padding-left: 1.2rem; }
.inline { display: inline; }
.connect form.inline { margin-right: 0.5rem; }
ul.candidates { list-style: none; padding-left: 0; }
ul.candidates li { margin: .45rem 0; display: flex; flex-wrap: wrap; align-items: center; gap: .4rem; }
.candidate .who { flex: 1 1 18rem; }
.signin { max-width: 24rem; margin: 4rem auto; }
`;
