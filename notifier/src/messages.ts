// The texts people receive, rendered from alertmanager/templates/ (the same file
// Alertmanager loads), so wording is changed in one place.
import { readFileSync } from 'node:fs';
import { escapeHtml, TemplateError, TemplateSet } from './gotemplate.js';
import type { WebhookPayload } from './payload.js';
import { fitSms, type FittedSms } from './sms-fit.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const NAMES = ['ussdwatch.sms', 'ussdwatch.email.subject', 'ussdwatch.email.text', 'ussdwatch.email.html'];

export class Messages {
  constructor(private readonly templates: TemplateSet) {}

  static load(file: string): Messages {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TemplateError(`${file}: cannot read the message templates (${(err as NodeJS.ErrnoException).code}); point "templates:" in the notifier config at alertmanager/templates/ussdwatch.tmpl`);
    }
    const set = new TemplateSet(text, file);
    const missing = NAMES.filter((n) => !set.has(n));
    if (missing.length) throw new TemplateError(`${file}: missing {{ define }} for ${missing.join(', ')}; the notifier renders these`);
    return new Messages(set);
  }

  sms(p: WebhookPayload): FittedSms {
    return fitSms(this.templates.render('ussdwatch.sms', p));
  }

  email(p: WebhookPayload): RenderedEmail {
    return {
      subject: this.templates.render('ussdwatch.email.subject', p).replace(/\s+/g, ' ').trim(),
      text: this.templates.render('ussdwatch.email.text', p),
      html: this.templates.render('ussdwatch.email.html', p, escapeHtml),
    };
  }
}
