/**
 * Fidelity report: `npm run golden` prints each scenario's score and the commands that differ
 * from real Docker; `npm run golden -- --update-baseline` records what matches now, so the test
 * suite keeps it matching; `--only NAME` limits the run.
 */
import { writeFileSync } from 'node:fs';
import {
  BASELINE_FILE,
  readBaseline,
  runScenario,
  scenarioFiles,
  verdictKey,
} from '../test/fidelity/golden-runner.ts';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const quiet = args.includes('--quiet');
const files = scenarioFiles().filter((f) => !only || f.includes(only));
const baseline = new Set(readBaseline().lenient);
let strict = 0;
let lenient = 0;
let total = 0;
for (const file of files) {
  const r = await runScenario(file);
  const s = r.verdicts.filter((v) => v.strict).length;
  const l = r.verdicts.filter((v) => v.lenient).length;
  strict += s;
  lenient += l;
  total += r.verdicts.length;
  console.log(`${r.scenario.padEnd(40)} ${String(l).padStart(3)}/${r.verdicts.length} lenient, ${s} strict`);
  for (const v of r.verdicts) {
    if (v.lenient) {
      baseline.add(verdictKey(r.scenario, v));
      continue;
    }
    if (quiet) continue;
    console.log(`  --- $ ${v.cmd}`);
    console.log(`      expected [exit ${v.expectedExit}]:`);
    for (const l of v.expected) console.log(`       |${l}`);
    console.log(`      actual [exit ${v.actualExit}]:`);
    for (const l of v.actual ?? ['(missing)']) console.log(`       |${l}`);
  }
}
console.log(
  `\nscore: ${strict}/${total} strict, ${lenient}/${total} lenient (${((100 * lenient) / Math.max(1, total)).toFixed(1)}%)`,
);
if (args.includes('--update-baseline')) {
  if (only) {
    console.log('refusing to update the baseline from a partial run (--only)');
  } else {
    writeFileSync(BASELINE_FILE, `${JSON.stringify({ lenient: [...baseline].sort() }, null, 1)}\n`);
    console.log(`baseline: ${baseline.size} commands`);
  }
}
