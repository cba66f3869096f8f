// tasks.js: "what is due", shown on the home page of caseworkers and supervisors: their open
// workflow tasks (a supervisor's: the team's), overdue first, then those due in the next two
// weeks, each linking to its case by display id. Stage tasks are ticked off here; case plan
// actions follow their plan row, so they are shown without a button.
import { h, nextId } from './dom.js';
import { t, lang, fmtDate } from './i18n.js';
import { get, patch } from './api.js';
import { state } from './state.js';
import { announce, errorText, errorPanel } from './ui.js';

const SOON_DAYS = 14;
const SHOWN = 5; // a longer list folds, so the caseload below stays within reach
const PER = 100; // the API's largest page
const MAX_PAGES = 2; // of tasks due soon; a longer list says there are more
const DAY = 86400e3;
const ROUTE = { case: 'cases', family: 'families', incident: 'incidents', tracing_request: 'tracing_requests' }; // record type -> its screens

export const seesTasks = () => state.user && ['caseworker', 'supervisor'].includes(state.user.role);

// The server decides "overdue" by its UTC date, so lateness is counted in UTC days too.
const todayUTC = () => Date.parse(new Date().toISOString().slice(0, 10));
const num = (n) => new Intl.NumberFormat(lang()).format(n);
const daysFrom = (ymd) => Math.round((Date.parse(ymd) - todayUTC()) / DAY);

function lateness(task) {
  const days = Math.max(1, -daysFrom(task.due_on));
  const amount = new Intl.NumberFormat(lang(), { style: 'unit', unit: 'day', unitDisplay: 'long' }).format(days);
  return h('span', { class: 'task-late' }, t('tasks.late', { days: amount }));
}

function dueIn(task) {
  const rel = new Intl.RelativeTimeFormat(lang(), { numeric: 'auto' }).format(daysFrom(task.due_on), 'day');
  return h('span', null, rel);
}

// One task as a list item. onDone(li) is called once the server has it done.
function taskItem(task, late, onDone) {
  const label = task.label || task.rule;
  const plan = task.rule === 'plan_action';
  const err = h('p', { id: nextId('task-err'), class: 'field-error', hidden: true });
  const li = h('li', { class: late ? 'task task-overdue' : 'task' },
    h('div', { class: 'task-main' },
      h('p', { class: 'task-label' }, label, task.title ? [': ', h('bdi', null, task.title)] : null),
      // Each part stays on one line; a narrow screen breaks between them, after the dot.
      h('p', { class: 'task-meta' },
        h('span', null, h('a', { href: `#/${ROUTE[task.record.type] || 'cases'}/${task.record.id}`, class: 'display-id' }, task.record.display_id), ' ·'), ' ',
        h('span', null, t('tasks.due_on', { date: fmtDate(task.due_on) }), ' ·'), ' ',
        late ? lateness(task) : dueIn(task))),
    h('div', { class: 'task-action' },
      plan ? h('p', { class: 'hint' }, t('tasks.plan_hint'))
        : h('button', {
          type: 'button', class: 'btn btn-secondary btn-small',
          'aria-label': t('tasks.mark_done_named', { task: label, id: task.record.display_id }), 'aria-describedby': err.id,
          onclick: async (e) => {
            const btn = e.currentTarget;
            if (btn.getAttribute('aria-disabled') === 'true') return;
            btn.setAttribute('aria-disabled', 'true');
            err.hidden = true;
            try {
              await patch(`/api/v1/tasks/${encodeURIComponent(task.id)}`, { status: 'done' });
              announce(t('tasks.done_msg', { task: label, id: task.record.display_id }));
              onDone(li);
            } catch (ex) {
              btn.removeAttribute('aria-disabled');
              err.textContent = errorText(ex);
              err.hidden = false;
              announce(err.textContent);
            }
          },
        }, t('tasks.mark_done')),
      err));
  return li;
}

// A titled list of tasks with its count; items leave it when they are done.
function taskGroup(id, title, empty, tasks, late, moreText) {
  const heading = h('h3', { id, tabindex: '-1' });
  const list = h('ul', { class: 'task-list', 'aria-labelledby': id });
  const emptyText = h('p', { class: 'empty' }, empty);
  const refresh = () => {
    heading.textContent = `${title} (${num(list.children.length)})`;
    emptyText.hidden = list.children.length > 0;
    list.hidden = list.children.length === 0;
  };
  let showAll = null;
  const fold = () => {
    [...list.children].forEach((li, i) => { li.hidden = !!showAll && i >= SHOWN; });
    if (showAll) {
      showAll.hidden = list.children.length <= SHOWN;
      showAll.textContent = t('tasks.show_all', { n: num(list.children.length) });
    }
  };
  const onDone = (li) => {
    // Keep the keyboard where it was: on the next task's button, else on the group's heading.
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    refresh();
    fold();
    const target = next && next.querySelector('button');
    (target || heading).focus();
  };
  list.append(...tasks.map((x) => taskItem(x, late, onDone)));
  if (tasks.length > SHOWN) {
    showAll = h('button', {
      type: 'button', class: 'btn btn-secondary btn-small',
      onclick: () => {
        const first = list.children[SHOWN];
        showAll.remove();
        showAll = null;
        fold();
        const b = first && first.querySelector('a');
        if (b) b.focus();
      },
    });
  }
  refresh();
  fold();
  return h('section', { class: 'task-group', 'aria-labelledby': id }, heading, list, showAll, emptyText,
    moreText ? h('p', { class: 'muted' }, moreText) : null);
}

// The open tasks due in the next SOON_DAYS days. The API sorts open tasks by due date, so the
// overdue ones are exactly the first `skip` of them: start at the page that holds the first
// task after those, and stop at the first one due later than the window.
async function dueSoon(skip) {
  const out = [];
  for (let page = Math.floor(skip / PER) + 1, pages = 0; pages < MAX_PAGES; page++, pages++) {
    const r = await get(`/api/v1/tasks?per=${PER}&page=${page}`);
    const items = r.json.items || [];
    for (const x of items.filter((i) => !i.overdue)) {
      if (daysFrom(x.due_on) > SOON_DAYS) return { items: out, more: false };
      out.push(x);
    }
    if (page * PER >= (r.json.total || 0) || !items.length) return { items: out, more: false };
  }
  return { items: out, more: true };
}

// Renders what is due into el. Errors stay inside this section so the caseload still shows.
export async function dueTasks(el) {
  const box = h('section', { class: 'panel tasks', 'aria-labelledby': 'tasks-h' },
    h('h2', { id: 'tasks-h' }, t('tasks.title')));
  el.append(box);
  let late;
  let soon;
  try {
    late = (await get(`/api/v1/tasks?overdue=true&per=${PER}`)).json;
    soon = await dueSoon(late.total || 0);
  } catch (err) {
    box.append(errorPanel(err));
    return;
  }
  const lateItems = late.items || [];
  if (!lateItems.length && !soon.items.length) {
    box.append(h('p', { class: 'empty' }, t('tasks.none')));
    return;
  }
  box.append(
    taskGroup('tasks-overdue', t('tasks.overdue'), t('tasks.none_overdue'), lateItems, true,
      (late.total || 0) > lateItems.length ? t('tasks.more', { n: num(late.total - lateItems.length) }) : null),
    taskGroup('tasks-soon', t('tasks.soon'), t('tasks.none_soon'), soon.items, false,
      soon.more ? t('tasks.more_soon') : null));
}
