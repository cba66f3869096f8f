// workflow.js: where a record stands in its workflow and what may happen next: the stage, the
// moves the person's role may make from it, the approvals waiting and, for those who decide
// them, approve / reject with a comment. A move an incomplete form blocks names that form and
// links to the question to answer.
import { h, clear } from './dom.js';
import { t, fmtDateTime } from './i18n.js';
import { post } from './api.js';
import { state, caseHeaders } from './state.js';
import { field, announce, errorText } from './ui.js';

// {comment} when one was written: the API takes no empty comment.
function optional(wrap) {
  const text = wrap.control.value.trim();
  return text ? { comment: text } : {};
}

export function stageBadge(schema, stage) {
  if (!stage) return '—';
  const s = schema.stage(stage);
  return h('span', { class: `badge stage${s.closed ? ' stage-closed' : ''}` }, s.label);
}

// rec: the record as read; api: its URL ("/api/v1/cases/ID"); editHref(formId, field): the
// editor opened at a question; done(): called after a move or decision, to show the result.
export function workflowPanel(schema, rec, { api, editHref, done }) {
  const wf = schema.workflow;
  const role = state.user && state.user.role;
  const sec = h('section', { class: 'panel workflow', 'aria-labelledby': 'sec-workflow' },
    h('h2', { id: 'sec-workflow' }, t('workflow.title')),
    h('p', { class: 'stage-line' }, h('span', { class: 'muted' }, `${t('workflow.stage')} `), stageBadge(schema, rec.stage)));
  if (!wf) return sec;
  const result = h('div', { class: 'workflow-result', 'aria-live': 'polite' });
  const pending = rec.pending_approvals || [];
  const headers = caseHeaders(rec.id);

  async function send(path, body, okText) {
    clear(result);
    try {
      const r = await post(`${api}/${path}`, body, { headers });
      announce(okText(r));
      done();
    } catch (err) {
      result.append(problem(err));
      result.querySelector('.notice').focus();
    }
  }

  // A 422 names the first unanswered question; say which form it is on and link to it.
  function problem(err) {
    const f = err.status === 422 && err.field && schema.field(err.field);
    const form = f && schema.formOf(err.field);
    if (!form) return h('div', { class: 'notice notice-error', role: 'alert', tabindex: '-1' }, errorText(err));
    return h('div', { class: 'notice notice-error', role: 'alert', tabindex: '-1' },
      h('p', null, t('workflow.incomplete', { form: form.label, field: f.label })),
      rec.access && rec.access.can_edit
        ? h('p', null, h('a', { href: editHref(form.id, err.field) }, t('workflow.complete_form', { form: form.label }))) : null);
  }

  for (const p of pending) {
    const a = schema.approval(p.kind);
    const box = h('div', { class: 'pending' },
      h('p', null, h('strong', null, t('workflow.waiting', { approval: a.label, stage: schema.stage(p.to).label })),
        ' ', h('span', { class: 'muted' }, t('workflow.asked_on', { when: fmtDateTime(p.requested_at) }))));
    if ((a.roles || []).includes(role)) {
      const comment = field({ name: `comment-${p.kind}`, label: t('workflow.decision_comment'), type: 'textarea', rows: 2, maxlength: 2000, dir: 'auto' });
      const decide = (decision) => send('approvals', { kind: p.kind, decision, ...optional(comment) },
        () => t(decision === 'approved' ? 'workflow.approved' : 'workflow.rejected', { approval: a.label }));
      box.append(comment, h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => decide('approved') }, t('workflow.approve')),
        h('button', { type: 'button', class: 'btn btn-danger', onclick: () => decide('rejected') }, t('workflow.reject'))));
    }
    sec.append(box);
  }

  const waiting = new Set(pending.map((p) => p.kind));
  const moves = rec.access && rec.access.can_edit ? (wf.transitions || []).filter((tr) => (tr.from || []).includes(rec.stage)
    && (tr.roles || []).includes(role) && !(tr.approval && waiting.has(tr.approval))) : [];
  if (moves.length) {
    const comment = field({ name: 'transition-comment', label: t('workflow.comment'), type: 'textarea', rows: 2, maxlength: 2000, dir: 'auto' });
    sec.append(h('h3', null, t('workflow.next')), comment, h('div', { class: 'actions' }, moves.map((tr) => {
      const asks = tr.approval && !(schema.approval(tr.approval).roles || []).includes(role);
      const stage = schema.stage(tr.to).label;
      const ok = (r) => (r.status === 202 ? t('workflow.requested', { approval: schema.approval(tr.approval).label })
        : t('workflow.moved', { stage }));
      return h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => send('transitions', { to: tr.to, ...optional(comment) }, ok) },
        asks ? t('workflow.request', { stage }) : t('workflow.move', { stage }));
    })));
  }
  sec.append(result);
  return sec;
}
