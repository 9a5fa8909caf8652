// The mail a notification becomes. Labels and annotations are text anyone who can post
// to Alertmanager controls: the HTML must never carry them as markup or as a live link
// other than http(s).
import { describe, expect, it } from 'vitest';
import { mailText, mailNotice } from '../../e2e/messages.js';
import { escapeHtml, mailMessage, webLink } from '../src/mail-body.js';
import { parsedPayload as parsed } from './helpers.js';

const withAnnotations = (notes: Record<string, string>) =>
  parsed({}, [], (r) => Object.assign(r.alerts[0].annotations, notes));

describe('mail subject and text', () => {
  it('names tier, status, alert, short code and the firing count', () => {
    const firing = mailMessage(parsed({}, [{ status: 'resolved' }]));
    expect(firing.subject).toBe('[ussdwatch T2] FIRING: UssdAppTimeouts *710# (1 firing)');
    expect(mailMessage(parsed({ status: 'resolved' })).subject).toBe('[ussdwatch T2] RESOLVED: UssdAppTimeouts *710#');
  });

  it('lays out each alert: status, summary, description, where, since, links', () => {
    const mail = mailMessage(withAnnotations({ description: 'FAILED_APP_TIMEOUT above 20%', dashboard_url: 'https://grafana.example/a/app/code?code=%2A710%23' }));
    expect(mail.text).toBe([
      'FIRING: UssdAppTimeouts on *710# (tier 2, team billing)',
      '',
      '- [FIRING] *710# Solde: application timeouts at 31%',
      '  FAILED_APP_TIMEOUT above 20%',
      '  short code: *710#, class: internal, cause: app_timeout',
      '  since: 2026-11-21 12:45:02 UTC',
      '  runbook: https://runbooks.example/app-timeout',
      '  dashboard: https://grafana.example/a/app/code?code=%2A710%23',
      '',
      '-- ussdwatch, receiver tier2',
    ].join('\n'));
  });

  it('shows each alert of a group with its own status', () => {
    const text = mailMessage(parsed({ summary: 'gw01 overloaded' }, [{ status: 'resolved', summary: 'gw02 overloaded' }])).text;
    expect(text).toContain('- [FIRING] gw01 overloaded');
    expect(text).toContain('- [RESOLVED] gw02 overloaded');
  });

  it('is read back by the e2e as the alert it is about', () => {
    const mail = mailMessage(parsed({ tier: '3', short_code: '*720#' }));
    const raw = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(mail.text).toString('base64')}`;
    expect(mailNotice({ from: 'a', to: ['b'], subject: mail.subject, raw, seenAt: 1 })).toMatchObject({ status: 'firing', tier: '3', shortCode: '*720#', alertname: 'UssdAppTimeouts' });
    expect(mailText(raw)).toBe(mail.text);
  });
});

describe('mail HTML', () => {
  it('escapes markup in any annotation or label', () => {
    const p = parsed({ summary: '<script>alert(1)</script>' }, [], (r) => {
      r.alerts[0].annotations.description = '"quoted" & <b>bold</b>';
      r.alerts[0].labels.node = "gw01'><img src=x onerror=alert(2)>";
    });
    const { html } = mailMessage(p);
    expect(html).not.toMatch(/<script|<b>|<img/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('gw01&#39;&gt;&lt;img src=x onerror=alert(2)&gt;');
  });

  it('links an http(s) runbook, its URL escaped inside the attribute', () => {
    const { html } = mailMessage(withAnnotations({ runbook_url: 'https://runbooks.example/a?b=1&c="2"' }));
    expect(html).toContain('<a href="https://runbooks.example/a?b=1&amp;c=%222%22">runbook</a>');
  });

  it.each([
    'javascript:alert(document.cookie)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '//evil.example/x',
    'not a url',
  ])('keeps the runbook URL %j inert', (url) => {
    const { html, text } = mailMessage(withAnnotations({ runbook_url: url }));
    expect(html).not.toMatch(/href=/i);
    expect(html).toContain(`runbook: <code>${escapeHtml(url)}</code> (not an http(s) link)`);
    expect(text).toContain(`runbook: ${url} (not an http(s) link)`);
  });

  it('colours the heading by status', () => {
    expect(mailMessage(parsed()).html).toContain('<h2 style="color: #b00020">FIRING: UssdAppTimeouts on *710#</h2>');
    expect(mailMessage(parsed({ status: 'resolved' })).html).toContain('<h2 style="color: #1b5e20">RESOLVED: UssdAppTimeouts on *710#</h2>');
  });
});

describe('webLink', () => {
  it('accepts absolute http and https URLs only', () => {
    expect(webLink('http://grafana:3000/d/x')?.href).toBe('http://grafana:3000/d/x');
    expect(webLink('HTTPS://Runbooks.Example/A')?.href).toBe('https://runbooks.example/A');
    for (const bad of ['javascript:alert(1)', 'data:,x', 'file:///etc/passwd', 'mailto:a@b', '/relative', '']) expect(webLink(bad)).toBeNull();
  });
});
