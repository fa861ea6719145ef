/** Generated practical questions and command questions: the simulator decides, the same way every time. */
import { describe, expect, it } from 'vitest';
import { runHostLine } from '../../src/engine/index.ts';
import { checkCommandAnswer } from '../../src/quiz/command-check.ts';
import { CronError, nextFire, parseCron } from '../../src/quiz/cron.ts';
import { GENERATORS, generateQuestion, questionFromRef, scratchEngine } from '../../src/quiz/generated.ts';

describe('generated questions', () => {
  it.each(Object.keys(GENERATORS))(
    '%s: the same seed gives the same question, and a ref regenerates it',
    async (kind) => {
      const a = await generateQuestion(12345, kind);
      const b = await generateQuestion(12345, kind);
      expect(a).not.toBeNull();
      expect(a).toEqual(b);
      expect(a!.ref).toBe(`gen:${kind}:12345`);
      expect(await questionFromRef(a!.ref)).toEqual(a);
      expect(a!.answerIndex).toBeGreaterThanOrEqual(0);
    },
  );

  it('answers reachability with what ping in the simulator does', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const q = (await generateQuestion(seed, 'reach'))!;
      const lines = q.text.split('\n').filter((l) => l.startsWith('  docker '));
      const m = /`docker exec (\S+) ping -c 1 (\S+)`/.exec(q.text)!;
      const engine = scratchEngine(999);
      for (const l of lines) await runHostLine(engine, l.trim());
      const ping = await runHostLine(engine, `docker exec ${m[1]} ping -c 1 -W 1 ${m[2]}`);
      expect(q.choices[q.answerIndex]).toBe(ping.exitCode === 0 ? 'Yes' : 'No');
    }
  });
});

describe('command questions', () => {
  const answer = 'docker network create -d overlay --attachable appnet';
  it('accepts another spelling of the same command', async () => {
    const v = await checkCommandAnswer(
      ['docker swarm init'],
      answer,
      'docker network create --attachable --driver=overlay appnet',
    );
    expect(v).toMatchObject({ correct: true, differences: [] });
  });
  it('says what differs', async () => {
    const v = await checkCommandAnswer(
      ['docker swarm init'],
      answer,
      'docker network create -d overlay appnet',
    );
    expect(v.correct).toBe(false);
    expect(v.differences).toEqual(['network appnet: attachable is false, expected true']);
    const other = await checkCommandAnswer(
      ['docker swarm init'],
      answer,
      'docker network create -d overlay --attachable app',
    );
    expect(other.differences).toEqual(['network appnet is missing', 'network app was not asked for']);
  });
});

describe('cron', () => {
  it('finds the next run in a time zone', () => {
    const friday = Date.parse('2026-03-27T12:00:00Z');
    expect(new Date(nextFire(parseCron('0 9 * * 1-5'), 'Europe/Paris', friday)!).toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
    expect(new Date(nextFire(parseCron('30 8 * * *'), 'America/New_York', friday)!).toISOString()).toBe(
      '2026-03-27T12:30:00.000Z',
    );
  });
  it('explains a bad pattern', () => {
    expect(() => parseCron('0 9 * *')).toThrow(CronError);
    expect(() => parseCron('61 9 * * *')).toThrow('minute "61" is not a value from 0 to 59');
  });
});
