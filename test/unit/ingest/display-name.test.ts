import { describe, expect, it } from 'vitest';
import { cleanDisplayName, nameFromXHeader } from '../../../src/ingest/display-name.ts';

describe('cleanDisplayName', () => {
  it.each<[string, string | null | undefined, string | null]>([
    ['a plain name', 'Vince J Kaminski', 'Vince J Kaminski'],
    ['quotes and spaces', '  "John D. Martin"  ', 'John D. Martin'],
    ['nested Outlook quotes', `"'Shirley Crenshaw'"`, 'Shirley Crenshaw'],
    ['collapsed spaces', 'Andis D.   Berzins', 'Andis D. Berzins'],
    ['Last, First Middle', 'Kaminski, Vince J.', 'Vince J. Kaminski'],
    ['Last, First', '"Crenshaw, Shirley"', 'Shirley Crenshaw'],
    ['Last, First with a double space', '"Saksena,  Anurag"', 'Anurag Saksena'],
    ['Last, initials', 'Sheble, G.B.', 'G.B. Sheble'],
    ['Last, First and a stray dot', 'Dalecka, Patrycja .', 'Patrycja Dalecka'],
    ['a generational suffix is not a first name', 'Jack Blanton, Jr.', 'Jack Blanton, Jr.'],
    ['a company suffix is not a first name', 'Acme, Inc.', 'Acme, Inc.'],
    ['more than one comma', 'Smith, John, Sales', 'Smith, John, Sales'],
    ['Notes routing', 'Elena Chilkina/Corp/Enron@ECT', 'Elena Chilkina'],
    ['Notes path without domain', 'Vince J Kaminski/HOU/ECT', 'Vince J Kaminski'],
    ['Notes path through a gateway', 'Iris Mack/ENRON@enronXgate@ENRON', 'Iris Mack'],
    ['Notes domain after the name', 'Sandeep Kohli@Enron', 'Sandeep Kohli'],
    ['Notes domain after the quotes', '"Ehud I. Ronn" @ ENRON', 'Ehud I. Ronn'],
    ['company in parentheses', 'Jane Doe (Acme)', 'Jane Doe'],
    ['Outlook "(E-mail)" suffix', '"Heather N. Thorne (E-mail)"', 'Heather N. Thorne'],
    ['Last, First with an office code', 'Walkup, David C (HOUSTONAS AS 582)', 'David C Walkup'],
    ['address in brackets', 'Bob Smith [bob@example.com]', 'Bob Smith'],
    ['a nickname in the middle stays', 'Ritwik \\(Ronnie\\) Ghosh', 'Ritwik (Ronnie) Ghosh'],
    ['hyphenated and apostrophes', "Pierre-Philippe Ste-Marie", 'Pierre-Philippe Ste-Marie'],
    ['accents', 'José Müller', 'José Müller'],
    ['encoded-word result', 'Jørn Støylen', 'Jørn Støylen'],
    ['Chinese', '王小明', '王小明'],
    ['Cyrillic Last, First', 'Иванов, Иван', 'Иван Иванов'],
    ['null', null, null],
    ['undefined', undefined, null],
    ['empty', '', null],
    ['only quotes', '""', null],
    ['an address as name', "'Vince.J.Kaminski@enron.com '", null],
    ['an address followed by a Notes domain', 'webmaster@cera.com@ENRON', null],
    ['a Notes mailbox', 'jhenders@newpower@EES', null],
    ['an X.400 path', '/O=ENRON/OU=NA/CN=RECIPIENTS/CN=VKAMINS', null],
    ['a hidden-recipients placeholder', '(Recipient list suppressed)', null],
    ['undisclosed recipients', 'undisclosed-recipients', null],
    ['mostly digits', 'Bug 381598', null],
    ['punctuation', '---', null],
  ])('%s', (_label, raw, expected) => {
    expect(cleanDisplayName(raw)).toBe(expected);
  });

  it.each([
    ['vkaminski', 'vkaminski@aol.com'],
    ['FAP', 'fap@management.wharton.upenn.edu'],
    ['iris.mack', 'iris.mack@enron.com'],
  ])('drops %j when it only repeats the local part of %s', (raw, address) => {
    expect(cleanDisplayName(raw, address)).toBeNull();
  });

  it('keeps a real name given with its address', () => {
    expect(cleanDisplayName('Vince Kaminski', 'vince.kaminski@enron.com')).toBe('Vince Kaminski');
  });

  it.each(['Kaminski, Vince J.', 'Jack Blanton, Jr.', '"Crenshaw, Shirley"', 'Elena Chilkina/Corp/Enron@ECT'])(
    'gives the same result when applied twice to %j',
    (raw) => {
      const once = cleanDisplayName(raw);
      expect(cleanDisplayName(once)).toBe(once);
    },
  );
});

describe('nameFromXHeader', () => {
  it.each<[string, string, string[]]>([
    ['a bare name', 'Vince J Kaminski', ['Vince J Kaminski']],
    ['bare names', 'Anitha Mathis, Mike A Roberts, Shirley Crenshaw, Elena Chilkina', ['Anitha Mathis', 'Mike A Roberts', 'Shirley Crenshaw', 'Elena Chilkina']],
    ['a Notes address in brackets', 'Shirley Crenshaw <Shirley Crenshaw/HOU/ECT@ECT>', ['Shirley Crenshaw']],
    [
      'Notes addresses in a list',
      'Ben Parsons <Ben Parsons/LON/ECT@ECT>, Scott Salmon <Scott Salmon/EU/Enron@Enron>',
      ['Ben Parsons', 'Scott Salmon'],
    ],
    ['a quoted Last, First', '"Crenshaw, Shirley" <Shirley.Crenshaw@enron.com>', ['Shirley Crenshaw']],
    [
      'commas inside quotes belong to the name',
      '"Amit, Raffi" <amit@wharton.upenn.edu>, "MacMillan, Ian" <macmilli@wharton.upenn.edu>, "Jack Blanton, Jr." <jblantonjr@yahoo.com>',
      ['Raffi Amit', 'Ian MacMillan', 'Jack Blanton, Jr.'],
    ],
    ['an Internet address', 'mulong wang <mlwang@uts.cc.utexas.edu>', ['mulong wang']],
    ['a gateway suffix', '"Ehud I. Ronn" <eronn@mail.utexas.edu> @ ENRON', ['Ehud I. Ronn']],
    ['an unquoted Last, First from Exchange', 'Gibner, Stinson </O=ENRON/OU=NA/CN=RECIPIENTS/CN=SGIBNER>', ['Stinson Gibner']],
    [
      'unquoted Last, First in a list',
      'Borgman, Laine </O=ENRON/OU=NA/CN=RECIPIENTS/CN=Lborgma>, Kaminski, Vince J </O=ENRON/OU=NA/CN=RECIPIENTS/CN=Vkamins>',
      ['Laine Borgman', 'Vince J Kaminski'],
    ],
    [
      'an Exchange-wrapped recipient',
      '"Kaminski, Vince" <IMCEAEX-_O=ENRON_OU=NA_CN=RECIPIENTS_CN=NOTESADDR_CN=839D9422@ENRON.com>@SMTP@enronXgate',
      ['Vince Kaminski'],
    ],
    [
      'a Notes-wrapped sender',
      'Thaleia Zariphopoulou <zariphop@math.utexas.edu>@ENRON <IMCEANOTES-Thaleia+20Zariphopoulou+20+3Czariphop+40math+2Eutexas+2Eedu+3E+40ENRON@ENRON.com>',
      ['Thaleia Zariphopoulou'],
    ],
    ['old-style address (Name)', 'eronn@mail.utexas.edu (Ehud I. Ronn)', ['Ehud I. Ronn']],
    ['escaped parentheses in quotes', '<cwomack@rice.edu>, "Ritwik \\(Ronnie\\) Ghosh" <ghoshr@rice.edu>', ['', 'Ritwik (Ronnie) Ghosh']],
    [
      'items without names keep their place',
      'vkaminski@aol.com, Vasant Shanbhogue, "\'Vince.J.Kaminski@enron.com\'" <Vince.J.Kaminski@enron.com>, Vince J Kaminski',
      ['', 'Vasant Shanbhogue', '', 'Vince J Kaminski'],
    ],
    ['tabs before the address', '"McNulty, Patrick"\t <mcnultyp@wharton.upenn.edu>, "Lee, Kiwan"\t <leekw@wharton.upenn.edu>', ['Patrick McNulty', 'Kiwan Lee']],
    ['a suppressed list', '(Recipient list suppressed) <(Recipient list suppressed)@ECT>', ['']],
    ['an empty header', '', []],
    ['a blank header', '  ', []],
  ])('%s', (_label, value, expected) => {
    expect(nameFromXHeader(value)).toEqual(expected);
  });
});
