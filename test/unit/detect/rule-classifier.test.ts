import { describe, expect, it } from 'vitest';
import { loadDetectConfig } from '../../../src/config/load-detect-config.ts';
import type { DetectInput } from '../../../src/core/detection.ts';
import { isShortThanks } from '../../../src/detect/context-signals.ts';
import { RuleClassifier } from '../../../src/detect/rule-classifier.ts';

const classifier = new RuleClassifier(loadDetectConfig());
const message = (text: string, over: Partial<DetectInput> = {}): DetectInput => ({
  subject: 'Hello', text, isReply: false, recipientCount: 1, isBulk: false, hasCalendar: false, isInternal: false, ...over,
});
const labelsOf = (text: string, over: Partial<DetectInput> = {}) => classifier.classify(message(text, over)).labels;

const QUOTED_PROPOSAL = [
  '',
  '-----Original Message-----',
  'From: Dana Reyes',
  'Sent: Monday, March 2, 2026 9:10 AM',
  'Subject: Coffee',
  '',
  'Would Thursday at 10 am work for a coffee near your office?',
].join('\n');

describe('RuleClassifier: scheduling from what a message answers or passes on', () => {
  it('reads a short answer to a quoted proposal as scheduling', () => {
    expect(labelsOf(`Thursday is fine.\n${QUOTED_PROPOSAL}`, { isReply: true })).toContain('scheduling');
  });

  it('reads an FYI forward of a proposed time as scheduling, but not a forward that asks something', () => {
    const forward = '---------- Forwarded message ----------\nFrom: Dana Reyes\n\nCan we meet Tuesday at 3 pm in your office?';
    expect(labelsOf(`FYI\n\n${forward}`)).toContain('scheduling');
    expect(labelsOf(`Please send me the figures first?\n\n${forward}`)).not.toContain('scheduling');
  });

  it('knows a plan to call at a stated time and a request for a convenient time', () => {
    expect(labelsOf('I will give you a call later this morning about the draft.')).toContain('scheduling');
    expect(labelsOf('Could you let me know when you will be free next week?')).toContain('scheduling');
  });

  it('keeps a personal proposal even when it mentions a conference, but not a message sent to no visible recipient', () => {
    expect(labelsOf('I will be at the energy conference in May. Tuesday works for me if you want to meet.')).toContain('scheduling');
    expect(labelsOf('Join our conference call on May 3 at 9:30 am.', { recipientCount: 0 })).toEqual([]);
  });
});

describe('RuleClassifier: referrals, follow-ups and thanks', () => {
  it('knows a resume forwarded to a named person and a redirect to the right person', () => {
    expect(labelsOf('I have forwarded your resume along with a short note to Priya Natarajan.')).toContain('referral');
    expect(labelsOf('The right person to talk to is Marco in our analytics team.')).toContain('referral');
  });

  it('does not take a notice to a whole group for a referral', () => {
    expect(labelsOf('All Faculty and Staff,\n\nIf you cannot log in you will need to speak with Omar Haddad at the help desk.')).toEqual([]);
  });

  it('knows a nudge on the sender own earlier message, not a question about someone else\'s', () => {
    expect(labelsOf('I wanted to remind you about the favor I asked you about last month.')).toContain('follow_up');
    expect(labelsOf('Did you receive this report from the vendor?')).not.toContain('follow_up');
  });

  it('knows thanks for time, hospitality and a gift', () => {
    expect(labelsOf('I appreciate you taking the time to walk me through your group yesterday.')).toContain('thank_you');
    expect(labelsOf('Thank you so much for the lovely gift basket, the whole team enjoyed it.')).toContain('thank_you');
  });
});

describe('RuleClassifier: thanks that close a request, and thanks to a team', () => {
  it('does not take "thank you for your time" after a request for thanks', () => {
    const text = 'Dear Ms Reyes,\n\nI am a second-year student in finance and would like to learn about your group. '
      + 'Could we talk for twenty minutes next week?\n\nThank you for your time.\nLee';
    expect(labelsOf(text)).not.toContain('thank_you');
  });

  it('keeps thanks that open a message, whatever it asks after', () => {
    expect(labelsOf('Thank you for your help with the students last week. Could you send me the slides?')).toContain('thank_you');
  });

  it('reads thanks to many colleagues named on one note, but not a note to a hidden list', () => {
    const text = 'Thank you for meeting with the students in April; they learnt a great deal.';
    expect(labelsOf(text, { recipientCount: 20 })).toContain('thank_you');
    expect(labelsOf(text, { recipientCount: 0 })).toEqual([]);
  });

  it('does not take a short "thanks" that opens a proposal for thanks', () => {
    expect(labelsOf('Thanks. Shirley will call you about the schedule; the week of the 11th does not look good for me.')).not.toContain('thank_you');
  });
});

describe('isShortThanks', () => {
  it('accepts a bare thank-you note', () => {
    expect(isShortThanks('Thank you! - Lee')).toBe(true);
    expect(isShortThanks('Got them, thanks a lot.')).toBe(true);
  });

  it('rejects thanks that only open an answer, a plan or an acknowledgement of an invitation', () => {
    expect(isShortThanks('Thanks. I will pass this on to our recruiter.')).toBe(false);
    expect(isShortThanks('Thanks for the invitation. Yes, I would be interested.')).toBe(false);
    expect(isShortThanks('Thanks for your message, see you there.')).toBe(false);
    expect(isShortThanks('Thanks. The list of addresses would be useful as well.')).toBe(false);
  });
});

describe('RuleClassifier: declines, acceptances and past times', () => {
  it('knows a decline of a meal and an acceptance of an invitation', () => {
    expect(labelsOf('Unfortunately I will not be able to join you for dinner on Thursday.')).toContain('scheduling');
    expect(labelsOf('Thanks for the invitation. I shall be glad to join you if the other event is cancelled.')).toContain('scheduling');
    expect(labelsOf('Unfortunately I cannot help with the report.')).not.toContain('scheduling');
  });

  it('does not read the time in a thank-you for a past meeting as a proposal', () => {
    const labels = labelsOf('Thank you for your time and advice at lunch today. I learnt a great deal about the desk.');
    expect(labels).toContain('thank_you');
    expect(labels).not.toContain('scheduling');
  });
});

describe('RuleClassifier: wrapped lines', () => {
  it('reads a phrase the mail client wrapped over two lines', () => {
    const text = 'Mark, I shared my concept with Vince last week and he thought you would be interested. I would look\nforward to meeting with you to talk further about it.';
    expect(labelsOf(text)).toContain('outreach_request');
  });

  it('keeps a greeting to a whole group on its own line', () => {
    const text = 'Spring Faculty and Students,\nThe calendar is posted. If you cannot open it you will need to speak with David Kilgore at the help desk.';
    expect(labelsOf(text, { subject: 'The Spring academic calendar for the school is now posted online' })).toEqual([]);
  });
});

describe('RuleClassifier: answers to networking requests', () => {
  const quotedRequest = (body: string) =>
    ['', '"Lee Park" <lee@uni.example> on 03/02/2001 09:10 AM', 'To: dana@acme.example', 'cc:', 'Subject: Advice', '', body].join('\n');

  it('reads any answer to a quoted request to meet as a reply to it', () => {
    const text = 'Lee,\nI shall be very glad to help. Please send me the forms.\nDana' +
      quotedRequest('Dear Ms Reyes,\nI am a graduate student in finance. Would you have time to meet with me for twenty minutes to talk about your group?');
    expect(labelsOf(text, { isReply: true })).toContain('outreach_reply');
  });

  it('does not read an answer to a notice sent to many as a networking reply', () => {
    const text = 'Kathy,\nEnron will be represented by myself and Ken.\nVince' +
      quotedRequest('Dear Company Representative,\nWe would like to invite you to meet the students and talk about your company at our event.');
    expect(labelsOf(text, { isReply: true })).not.toContain('outreach_reply');
  });

  it('takes an offer to review something between colleagues for work', () => {
    expect(labelsOf('I shall be glad to take a look at the model.', { isReply: true, isInternal: true })).toEqual([]);
  });
});

describe('RuleClassifier: passing someone on', () => {
  it('knows contact details handed over, a name to use, and a resume sent to a role', () => {
    expect(labelsOf('Here are the coordinates of the professor who is in charge. Please call him.')).toContain('referral');
    expect(labelsOf('Please call him directly and give my name as a reference.')).toContain('referral');
    expect(labelsOf('I sent your outline to our CFO with my recommendation.')).toContain('referral');
  });

  it('reads a forward of a request to meet as passing the request on', () => {
    const forward = '---------- Forwarded message ----------\nFrom: Lee Park\n\nDear Dr Reyes,\nI am a PhD student in statistics. '
      + 'Would you have time to meet with me to talk about opportunities in your group?';
    expect(labelsOf(`Marco, could you see her?\n\n${forward}`)).toContain('referral');
  });

  it('reads a phrase split over short wrapped lines', () => {
    expect(labelsOf('Andy,\n\nThanks. I shall forward your message to\nProf. Ikenberry.\n\nVince', { isReply: true })).toContain('referral');
  });
});

describe('RuleClassifier: Polish', () => {
  it('knows a lunch arranged in Polish, with or without diacritics', () => {
    expect(labelsOf('Proponuje sie spotkac na lunch w czwartek o godzinie 12.00.')).toContain('scheduling');
    expect(labelsOf('Super. Jestesmy umowieni.', { isReply: true })).toContain('scheduling');
  });
});

describe('RuleClassifier: introductions and nudges', () => {
  it('does not take introducing oneself to a new colleague for asking to be introduced', () => {
    expect(labelsOf('I would like to introduce myself to you, as we will be working together on the move.', { isInternal: true })).not.toContain('outreach_request');
  });

  it('knows a check that one\'s own earlier message arrived', () => {
    expect(labelsOf('I hope you received my earlier email about the internship; I sent it from another account.')).toContain('follow_up');
  });
});

describe('RuleClassifier: more thanks, fewer plans', () => {
  it('knows thanks for arranging something and thanks in Polish', () => {
    expect(labelsOf('Many thanks for helping get this organized.')).toContain('thank_you');
    expect(labelsOf('Bardzo dziekuje za podeslana literature.')).toContain('thank_you');
  });

  it('does not read coming back from a trip as accepting a meeting', () => {
    expect(labelsOf('I am in London now and I shall come back next week. Please give me a call about it.')).not.toContain('scheduling');
  });
});

describe('RuleClassifier: redirects answer a networking request', () => {
  it('reads sending the asker on about their resume or visit as a reply', () => {
    expect(labelsOf('Thanks. It makes sense to call Christie and explain the objectives of your visit.', { isReply: true }))
      .toEqual(expect.arrayContaining(['outreach_reply', 'referral']));
  });

  it('does not read a redirect about a database login as a networking reply', () => {
    const labels = labelsOf('You will need to speak with David Kilgore at the help desk about access.', { isReply: true });
    expect(labels).toContain('referral');
    expect(labels).not.toContain('outreach_reply');
  });
});

describe('RuleClassifier: meeting details', () => {
  it('knows a request for a dinner\'s details, a room, and an offer to set up a meeting with someone named', () => {
    expect(labelsOf('Please let me know the details of the dinner after the seminar.')).toContain('scheduling');
    expect(labelsOf('The review will be in conference room EB49C1.', { isReply: true })).toContain('scheduling');
    expect(labelsOf('I shall be glad to help to arrange a meeting with Prof. Ikenberry.')).toContain('referral');
  });
});

describe('RuleClassifier: acknowledgements and direct contacts', () => {
  it('does not take "OK - thanks" for thanks for help', () => {
    expect(isShortThanks('Ok - thanks.')).toBe(false);
  });

  it('knows a suggestion to contact someone named before directly', () => {
    expect(labelsOf('Christie will be away that day. Maybe Susan can contact her directly at another time.')).toContain('referral');
  });
});

describe('RuleClassifier: answers to announcements', () => {
  it('takes "I shall attend" in answer to a notice sent to a whole faculty for an RSVP, not a plan', () => {
    const text = 'Marc,\nThanks for the invitation.\nI shall attend.\nVince\n\n-----Original Message-----\nFrom: Marc\nTo: (Recipient list suppressed)\n\nDear faculty,\nPlease join us for the accounting workshop series.';
    expect(labelsOf(text, { isReply: true })).not.toContain('scheduling');
  });

  it('keeps "I shall attend" in answer to one person\'s invitation', () => {
    const text = 'Marc,\nI shall attend.\nVince\n\n-----Original Message-----\nFrom: Marc\n\nVince, would you join us for dinner on Friday at 7 pm?';
    expect(labelsOf(text, { isReply: true })).toContain('scheduling');
  });
});

describe('RuleClassifier: times as mail writes them, and absences', () => {
  it('reads abbreviated days and times written without a colon', () => {
    expect(labelsOf('Would lunch on Thurs. suit you?')).toContain('scheduling');
    expect(labelsOf('I will be near your office around 230 pm and will give you a call.')).toContain('scheduling');
  });

  it('knows a confirmation of dates, even for a seminar', () => {
    expect(labelsOf('I am confirming the dates for the two visitors: seminar on 2/15 and dinner on 2/14.')).toContain('scheduling');
  });

  it('does not take a conference the writer will be away at for an announcement', () => {
    const forward = `Thanks for including me; unfortunately I am committed to participate in the law conference that day.\n\n---------- Forwarded message ----------\nFrom: Dana Reyes\n\nCan we meet on Friday at 3 pm in your office?`;
    expect(labelsOf(forward)).toContain('scheduling');
    expect(labelsOf('The annual energy conference will be held on May 3 at 9:30 am; please register online.')).not.toContain('scheduling');
  });

  it('reads logistics in a longer note as part of the time its thread has set', () => {
    const note = 'Hi Judith! I have a special parking ticket for Malcolm to use in his car, and we will take care of everything else for the evening, from the tickets to the drive back home afterwards. '.repeat(2);
    expect(labelsOf(`${note}\n${QUOTED_PROPOSAL}`, { isReply: true })).toContain('scheduling');
    expect(labelsOf(note, { isReply: true })).not.toContain('scheduling');
  });
});

describe('RuleClassifier: meetings for many colleagues, deadlines and hopes', () => {
  it('reads a meeting called for a long list of named colleagues as scheduling, but not the same notice to outsiders', () => {
    const text = 'Please mark your calendars for the December 11 review meeting. The meeting will be held at the St. Regis Hotel and is scheduled from 8:00am to 5:00pm.';
    expect(labelsOf(text, { recipientCount: 40, isInternal: true })).toContain('scheduling');
    expect(labelsOf(text, { recipientCount: 40 })).not.toContain('scheduling');
    expect(labelsOf(text, { recipientCount: 0, isInternal: true })).not.toContain('scheduling');
  });

  it('does not read a list of deadlines as a meeting', () => {
    const text = 'Action items and deadlines:\nPrint the feedback\tWednesday, Nov 22\nSend rankings to Norma\tWednesday, November 29\nReview meeting\tFriday, December 8';
    expect(labelsOf(text, { recipientCount: 10, isInternal: true })).not.toContain('scheduling');
  });

  it('takes a hope to get together some day for a wish, not a plan', () => {
    expect(labelsOf('The diagram gives us a place to begin. I hope we can get together soon.')).not.toContain('scheduling');
    expect(labelsOf('We can get together on Tuesday at noon.')).toContain('scheduling');
  });

  it('judges what a reply answers by its writer\'s own note, not a notice forwarded below it', () => {
    const text = [
      'Many thanks for the invitation. I\'m leaving for a conference in New Orleans today and won\'t be in town.',
      'However, I\'d love to join you if dinner should happen again in the future.',
      '',
      'At 10:03 AM 1/24/01 -0600, you wrote:',
      'Carrie,',
      'We have invited the team to dinner Thursday, 7:00 p.m. Would you like to join us?',
      'Vince',
      '---------------------- Forwarded by Vince Kaminski on 01/24/2001 10:04 AM ---------------------------',
      'Dear ALP Company Representatives:',
      'Thank you for your participation in the ALP Company Day. Registration for the seminar is open.',
    ].join('\n');
    expect(labelsOf(text, { isReply: true })).toContain('scheduling');
  });
});

describe('RuleClassifier: what notices ask of everyone, advice and courtesies', () => {
  it('does not read a letter to "Dear Colleague" that asks to mark calendars as a plan between people', () => {
    const text = 'Dear Colleague:\nWe are honored to have the Chairman as the speaker for the meeting of our chapter on Wednesday, November 29 at 11:30 am. Please mark your calendars.';
    expect(labelsOf(text, { recipientCount: 4 })).not.toContain('scheduling');
  });

  it('does not take advice to meet someone else for arranging to meet', () => {
    expect(labelsOf('If he decides to stay, you should meet with him to convey the concerns.')).not.toContain('scheduling');
    expect(labelsOf('We should meet next Tuesday to go over it.')).toContain('scheduling');
  });

  it('does not take "Have a great day!" in a short reply for an answer to a proposed time', () => {
    expect(labelsOf(`Vince said to go ahead and do it. Have a great day!\n${QUOTED_PROPOSAL}`, { isReply: true })).not.toContain('scheduling');
    expect(labelsOf(`Great, see you then.\n${QUOTED_PROPOSAL}`, { isReply: true })).toContain('scheduling');
  });

  it('reads a date written with an ordinal, and "see us" at a date', () => {
    expect(labelsOf('Donna and I are delighted that you have time to see us on May 4th.')).toContain('scheduling');
  });
});

describe('RuleClassifier: asking when', () => {
  it('takes "let me know when you will be free" for arranging, not "let me know when you are going to take these days"', () => {
    expect(labelsOf('Please let me know when you will be free next week.')).toContain('scheduling');
    expect(labelsOf('If you have advance notice, please let me know when you are going to take these days.')).not.toContain('scheduling');
  });
});

describe('RuleClassifier: offers to arrange', () => {
  it('takes arranging a meeting for a stated time for scheduling, and an offer to arrange one some day for less', () => {
    expect(labelsOf('I will send Shirley their contact information to arrange for a visit at the beginning of June.')).toContain('scheduling');
    expect(labelsOf('Please read the outline. I shall be glad to help to arrange a meeting with Prof. Ikenberry.')).not.toContain('scheduling');
  });
});

describe('RuleClassifier: agreeing to a time, and what is not a time agreed', () => {
  it('takes "works for me" for agreeing to a time when it says which, or answers a suggested day', () => {
    expect(labelsOf('Tuesday at 10 works for me.')).toContain('scheduling');
    expect(labelsOf('The consensus is that we should proceed to the offer stage; it sounds good to me.')).not.toContain('scheduling');
    const quoted = '\n\n-----Original Message-----\nFrom: Vasant\n\nI wanted to have a small get-together at my house. I am suggesting Saturday, Dec 2.';
    expect(labelsOf(`Thanks for the invitation. It works for me.${quoted}`, { isReply: true })).toContain('scheduling');
    expect(labelsOf('How about Thursday at 3 pm?')).toContain('scheduling');
  });

  it('does not read a confirmed order or a meeting already held as scheduling', () => {
    expect(labelsOf('This email is to confirm your online order which was received on 24-Aug-2000.')).not.toContain('scheduling');
    expect(labelsOf('I am sending you preliminary rankings, based on the results of a meeting we held on Tuesday.')).not.toContain('scheduling');
  });
});

describe('RuleClassifier: answers sent as new messages', () => {
  it('takes "I have forwarded your resume to…" for an answer to a request even when it is not a reply', () => {
    const text = 'Patricia,\nI have forwarded your resume along with an introductory note to Kerry Cooper of the Finance department. Please give them a phone call.';
    expect(labelsOf(text)).toContain('outreach_reply');
    expect(labelsOf('If you are interested in registering for the symposium, a marketing opportunity with 700 executives, please contact David directly.')).not.toContain('outreach_reply');
  });
});

describe('RuleClassifier: rooms reserved and times to call', () => {
  it('knows a room reserved by number for set hours, and the best time to call', () => {
    expect(labelsOf('I have reserved conference room 32C2 for Thursday, Feb 1 from 3:30 - 5:30.', { isReply: true })).toContain('scheduling');
    expect(labelsOf('Please, call me next week. The best time is between 7:00 and 8:30 a.m.')).toContain('scheduling');
    expect(labelsOf('If your office tries to reach me, please call me at my new home phone (713) 647-7161.')).not.toContain('scheduling');
  });
});

describe('RuleClassifier: accepting what a notice offers', () => {
  it('takes "glad to join you at the dinner" in answer to a conference notice for an RSVP, and keeps it for one person\'s invitation', () => {
    const notice = '\n\n-----Original Message-----\nFrom: Dave\n\nI want to make sure the forum is on your calendar for May 4-5. You should be receiving registration materials shortly.';
    expect(labelsOf(`Thanks for the invitation. I shall be glad to join you at the dinner and on Saturday.${notice}`, { isReply: true })).not.toContain('scheduling');
    const invitation = '\n\n-----Original Message-----\nFrom: Dave\n\nWould you like to have dinner with us on Saturday?';
    expect(labelsOf(`Thanks for the invitation. I shall be glad to join you at the dinner on Saturday.${invitation}`, { isReply: true })).toContain('scheduling');
  });
});

describe('RuleClassifier: forwards that ask for something', () => {
  it('does not read a forward that asks for help passing it on as an FYI of the meeting', () => {
    const forward = '---------- Forwarded message ----------\nFrom: Dana Reyes\n\nCan we meet Tuesday at 3 pm in your office?';
    expect(labelsOf(`We need to get this to John. Any help in forwarding would be great!\n\n${forward}`)).not.toContain('scheduling');
    expect(labelsOf(`FYI - the time is set.\n\n${forward}`)).toContain('scheduling');
  });
});

describe('RuleClassifier: closing courtesies and notices open to anyone', () => {
  it('does not take a closing "look forward to seeing you" under a note about something else for a plan', () => {
    const note = 'Marta,\n\nCould you send me the phone numbers of the two analysts who joined your group in March? I would like to add them to our list.\n\nI look forward to seeing you next week.\n\nBen';
    expect(labelsOf(note)).not.toContain('scheduling');
  });

  it('keeps the courtesy when the note is about the meeting, or when it names the hour', () => {
    expect(labelsOf('Marta,\n\nThe interview is on Tuesday at 10 am in our office on the 12th floor; parking is in the garage across the street.\n\nI look forward to seeing you then.')).toContain('scheduling');
    expect(labelsOf('Marta,\n\nThank you for the revised figures, they answer the questions the committee raised last week.\n\nI look forward to seeing you at 2 pm on 6/14.')).toContain('scheduling');
  });

  it('does not take a seminar notice that asks readers to pass it on to anyone who might like to come for a meeting', () => {
    const notice = 'CONFIRMATION\n\nDate: May 9\nTime: 11:30 am - 1:00 pm\nLocation: the Harbor Club\n\nPlease pass along the word to anyone you think might like to join us.';
    expect(labelsOf(notice)).not.toContain('scheduling');
  });

  it('reads a subject line on its own when sentences about what already happened are set aside', () => {
    const note = 'Thanks for the chat this morning. Lena is out next week (4th-8th June), and I shall be away until the 22nd. We will both be around from 25th June onwards.';
    expect(labelsOf(note, { subject: 'Schedule' })).toContain('scheduling');
  });
});

describe('RuleClassifier: proposals in other words', () => {
  it('knows "can we aim for the week commencing", "meetings have been scheduled" and "what day might be convenient"', () => {
    expect(labelsOf('Assistants: can we aim for week commencing 6th November for the group review?')).toContain('scheduling');
    expect(labelsOf('Several meetings have already been scheduled with the modeling team; see the attached sheet.')).toContain('scheduling');
    expect(labelsOf('Thank you for suggesting lunch. Could you let me know what day might be convenient for you?')).toContain('scheduling');
  });

  it('takes where a meeting "will be held" for its place, not for an announcement', () => {
    expect(labelsOf('For your information, the design review you were invited to will be held in conference room EB41C2.')).toContain('scheduling');
  });

  it('knows a request to let the writer know when the reader has some free time', () => {
    expect(labelsOf('We would like to go over the space plans with you. Please let me know when you have some free time.')).toContain('scheduling');
  });

  it('takes "I would appreciate if you could help us" with a request for contacts for outreach, even between colleagues', () => {
    const note = 'Hello Ravi,\n\nMy daughter is looking for a teaching position in the district. I need to know if you know of anyone we can contact about openings there. I would greatly appreciate if you could help us.';
    expect(labelsOf(note, { isInternal: true })).toContain('outreach_request');
    expect(labelsOf('I would appreciate if you could help us with the invoice figures by Friday.', { isInternal: true })).not.toContain('outreach_request');
  });
});

describe('RuleClassifier: short thanks for what was not help', () => {
  const reply = (note: string, answered: string) =>
    labelsOf(`${note}\n\n-----Original Message-----\nFrom: Lee Park\nSent: Friday, June 5, 2026 4:02 PM\nSubject: Re: Another offer accepted\n\n${answered}`, { isReply: true });

  it('does not take thanks for praise or congratulations for thanks for help, but keeps thanks for what was sent', () => {
    expect(reply('Thanks so much, Lee!', 'Nora,\n\nGreat news. It is all your hard work.\n\nLee')).not.toContain('thank_you');
    expect(reply('Thanks. Congratulations to you too.', 'Congratulations on your promotion!')).not.toContain('thank_you');
    expect(reply('Thanks so much, Lee!', 'Nora,\n\nHere are the slides from the workshop you asked about.\n\nLee')).toContain('thank_you');
  });

  it('reads "Ok - thanks" under a line naming whom it answers as an acknowledgement', () => {
    expect(reply('Lee Park\nOk - thanks.', 'We are short of people this month and will evaluate the tool in the autumn.')).not.toContain('thank_you');
  });

  it('knows thanks followed by what came: "Thank you! I received your first set of grades"', () => {
    expect(labelsOf('Thank you Dr. Olsen!\nI received your first set of grades and will keep track of the rest as you work through the class, so that no student is missed at the end of the term.')).toContain('thank_you');
  });
});
