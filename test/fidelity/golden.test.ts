/**
 * Fidelity against real Docker: every command of every recorded scenario that matched before
 * must still match (the baseline only grows: `npm run golden:baseline` after an improvement),
 * and the overall score is printed.
 */
import { describe, expect, it } from 'vitest';
import { readBaseline, runScenario, scenarioFiles, verdictKey } from './golden-runner.ts';

describe('golden scenarios recorded from Docker 20.10', async () => {
  const files = scenarioFiles();
  const baseline = new Set(readBaseline().lenient);
  // One scenario at a time, as `npm run golden` runs them: the engine's clock is the wall clock,
  // and hundreds of interleaved scenarios would stretch the time between one scenario's commands
  // (a swarm converges further between two commands than it did in the recording).
  const results = [];
  for (const file of files) results.push(await runScenario(file));
  let strict = 0;
  let lenient = 0;
  let total = 0;
  for (const r of results) {
    for (const v of r.verdicts) {
      total++;
      if (v.strict) strict++;
      if (v.lenient) lenient++;
    }
  }
  console.log(
    `golden fidelity: ${strict}/${total} strict, ${lenient}/${total} lenient over ${files.length} scenarios`,
  );

  it('has recorded scenarios', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const r of results) {
    it(`${r.scenario}: commands that matched real Docker still match`, () => {
      const regressed = r.verdicts
        .filter((v) => baseline.has(verdictKey(r.scenario, v)) && !v.lenient)
        .map(
          (v) =>
            `$ ${v.cmd}\n  expected [exit ${v.expectedExit}]:\n    ${v.expected.join('\n    ')}\n  actual [exit ${v.actualExit}]:\n    ${(v.actual ?? ['(missing)']).join('\n    ')}`,
        );
      expect(regressed, regressed.join('\n')).toEqual([]);
    });
  }
});
