import { describe, expect, it } from 'vitest';
import { companyFromAddress, DEFAULT_FREE_MAIL_DOMAINS } from '../../../src/ingest/company-from-domain.ts';

const company = (address: string) => companyFromAddress(address, DEFAULT_FREE_MAIL_DOMAINS);

describe('companyFromAddress', () => {
  it.each([
    ['vince.kaminski@enron.com', 'enron.com', 'Enron'],
    ['perfmgmt@ect.enron.com', 'enron.com', 'Enron'],
    ['mlwang@uts.cc.utexas.edu', 'utexas.edu', 'Utexas'],
    ['someone@cs.ox.ac.uk', 'ox.ac.uk', 'OX'],
    ['lenos@ucy.ac.cy', 'ucy.ac.cy', 'UCY'],
    ['jlieskov@mit.edu', 'mit.edu', 'MIT'],
    ['ekao@uh.edu', 'uh.edu', 'UH'],
    ['rogermp@us.ibm.com', 'ibm.com', 'IBM'],
    ['fap@management.wharton.upenn.edu', 'upenn.edu', 'Upenn'],
    ['eprmconf@asiarisk.com.hk', 'asiarisk.com.hk', 'Asiarisk'],
    ['marketing@wnt.com.pl', 'wnt.com.pl', 'WNT'],
    ['andreas.simou@dynamic-events.com', 'dynamic-events.com', 'Dynamic Events'],
    ['paul.e.day@uk.arthurandersen.com', 'arthurandersen.com', 'Arthurandersen'],
    ['pat.gallimore@powerpool.ab.ca', 'powerpool.ab.ca', 'Powerpool'],
    ['jdöe@mächine.example', 'mächine.example', 'Mächine'],
  ])('%s works at %s (%s)', (address, domain, name) => {
    expect(company(address)).toEqual({ domain, name });
  });

  it.each([
    'vkaminski@aol.com',
    'xxxxxxxxx.xxxxxxx@gmail.com',
    'hovhannisyan_ash@hotmail.com',
    'calpas2007@yahoo.fr',
    'someone@yahoo.co.uk',
    'risk-ny@email.msn.com',
    'jhh1@email.msn.com',
    'smitnick@earthlink.net',
    'khazlewo@swbell.net',
    'ceciledwards@sbcglobal.net',
    'lacima@compuserve.com',
    'simon@localbloke.freeserve.co.uk',
    'a_j_seremak@pro.onet.pl',
    'zofiagrodek@usa.net',
    'mikel@me.com',
    'user@gmx.de',
    'user@yandex.ru',
  ])('%s is a personal free-mail address', (address) => {
    expect(company(address)).toBeNull();
  });

  it('does not take a company whose name only starts like a provider', () => {
    expect(company('j@yahoo-example.com')).toEqual({ domain: 'yahoo-example.com', name: 'Yahoo Example' });
    expect(company('scomp@notaol.com')).toEqual({ domain: 'notaol.com', name: 'Notaol' });
  });

  it('uses the free-mail list it is given', () => {
    expect(companyFromAddress('vkaminski@aol.com', [])).toEqual({ domain: 'aol.com', name: 'AOL' });
    expect(companyFromAddress('x@mail.example-isp.net', ['example-isp.net'])).toBeNull();
    expect(companyFromAddress('x@EXAMPLE-ISP.de', ['example-isp.*'])).toBeNull();
  });

  it.each(['root@localhost', 'user@[127.0.0.1]', 'user@127.0.0.1', 'not-an-address', ''])(
    'has no company for %j',
    (address) => {
      expect(company(address)).toBeNull();
    },
  );
});
