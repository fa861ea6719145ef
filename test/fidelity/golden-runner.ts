/**
 * Runs every recorded scenario (test/golden/*.txt, transcripts from real Docker 20.10 in
 * *.golden) through the simulator and compares command by command.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { transcript } from '../../src/cli/transcript-command.ts';
import { SimBackend } from '../../src/sandbox/sim/sim-backend.ts';
import { type CommandVerdict, compareTranscripts } from '../support/transcript-compare.ts';

export const GOLDEN_DIR = join(import.meta.dirname, '..', 'golden');
export const BASELINE_FILE = join(import.meta.dirname, 'baseline.json');

export interface ScenarioResult {
  scenario: string;
  verdicts: CommandVerdict[];
  actual: string;
}

export function scenarioFiles(dir = GOLDEN_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt') && existsSync(join(dir, f.replace(/\.txt$/, '.golden'))))
    .sort()
    .map((f) => join(dir, f));
}

export async function runScenario(file: string): Promise<ScenarioResult> {
  const backend = new SimBackend({ seedFor: () => 42, recordedHost: true });
  const actual = await transcript(backend, 'golden', readFileSync(file, 'utf8'));
  const golden = readFileSync(file.replace(/\.txt$/, '.golden'), 'utf8');
  return { scenario: basename(file), verdicts: compareTranscripts(golden, actual), actual };
}

/** `scenario#index` for each command, the key the baseline keeps. */
export const verdictKey = (scenario: string, v: CommandVerdict) => `${scenario}#${v.index}`;

export function readBaseline(): { lenient: string[] } {
  if (!existsSync(BASELINE_FILE)) return { lenient: [] };
  return JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as { lenient: string[] };
}
