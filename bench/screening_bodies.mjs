// bench/screening_bodies.mjs: writes N request bodies for POST /api/v1/screenings, one JSON per
// line, with random answers to the frontline tool the server ships (read from
// GET /api/v1/screening/tools), for bench/screening.lua.
// Usage: node bench/screening_bodies.mjs BASE_URL TOKEN N OUT
import { writeFileSync } from 'node:fs';

const [base, token, count, out] = process.argv.slice(2);
const r = await fetch(`${base}/api/v1/screening/tools?locale=en`, { headers: { authorization: `Bearer ${token}` } });
const tool = (await r.json()).tools.find((t) => t.id === 'child_frontline');
if (!tool) {
  console.error('screening_bodies: the server has no child_frontline tool');
  process.exit(1);
}
const lines = [];
for (let i = 0; i < Number(count); i++) {
  const answers = {};
  for (const q of tool.questions) {
    const choices = q.options ? q.options.map((o) => o.value) : ['yes', 'no', 'no', 'no', 'unknown'];
    answers[q.id] = choices[Math.floor(Math.random() * choices.length)];
  }
  lines.push(JSON.stringify({ tool: tool.id, answers, assent: { given_by: 'child', method: 'verbal', given: true } }));
}
writeFileSync(out, `${lines.join('\n')}\n`);
console.log(`${lines.length} screenings of ${tool.questions.length} questions`);
