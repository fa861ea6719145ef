/** `/compose save|show|list` through the tutor on the simulated backend, and the file checks. */
import { describe, expect, it } from 'vitest';
import { Tutor } from '../../../src/core/tutor.ts';
import { replyToPlainText, type TutorRequest } from '../../../src/core/types.ts';
import { ManualClock } from '../../../src/engine/clock.ts';
import { checkComposeFile, MAX_COMPOSE_BYTES } from '../../../src/engine/compose/save-file.ts';
import { SimBackend } from '../../../src/sandbox/sim/sim-backend.ts';
import { T0 } from './helpers.ts';

let seq = 0;
function setup() {
  const backend = new SimBackend({ clock: new ManualClock(T0), seedFor: () => 3 });
  const tutor = new Tutor({ backend });
  const ask = async (text: string, extra: Partial<TutorRequest> = {}) =>
    replyToPlainText(
      await tutor.handle({
        id: `c-${++seq}`,
        identity: { platform: 'console', workspace: 'local', userId: 'ada', roles: ['student'] },
        channel: 'console',
        text,
        receivedAt: 0,
        ...extra,
      }),
    );
  return { ask };
}

const GOOD = 'services:\n  web:\n    image: alpine\n    command: httpd -f -p 80\n    ports: ["8080:80"]\n';

describe('/compose', () => {
  it('lists the course presets, saves a pasted file and runs it', async () => {
    const { ask } = setup();
    expect(await ask('/compose list')).toContain('~/myapp');
    const saved = await ask(`/compose save mine\n\`\`\`yaml\n${GOOD}\`\`\``);
    expect(saved).toBe(
      'Saved ~/mine/docker-compose.yml. Start it with /docker compose -f mine/docker-compose.yml up -d',
    );
    expect(await ask('/compose show mine')).toBe(GOOD.trimEnd());
    expect(await ask('/compose list')).toContain('Yours: ~/mine');
    const up = await ask('/docker compose -f mine/docker-compose.yml up -d');
    expect(up).toContain(' Container mine-web-1  Started');
  });

  it('refuses a bad file naming the line, and keeps nothing', async () => {
    const { ask } = setup();
    const bad = await ask(
      '/compose save broken\nservices:\n  web:\n    image: alpine\n     ports:\n      - "80:80"\n',
    );
    expect(bad).toBe('Not saved. Line 4: mapping values are not allowed in this context');
    const schema = await ask('/compose save broken\nservices:\n  web:\n    image: alpine\n    portz: [80]\n');
    expect(schema).toBe('Not saved. Line 4: services.web Additional property portz is not allowed');
    const dep = await ask(
      '/compose save broken\nservices:\n  web:\n    image: alpine\n    depends_on: [db]\n',
    );
    expect(dep).toBe('Not saved. service "web" depends on undefined service db: invalid compose project');
    expect(await ask('/compose show broken')).toBe(
      'There is no ~/broken/docker-compose.yml. Try /compose list.',
    );
  });

  it('takes an attachment passed as text, with the 64 kB limit', async () => {
    const { ask } = setup();
    const ok = await ask('/compose save att', {
      attachments: [{ name: 'docker-compose.yml', text: GOOD }],
    } as Partial<TutorRequest>);
    expect(ok).toContain('Saved ~/att/docker-compose.yml');
    const big = `${GOOD}${'# padding\n'.repeat(7000)}`;
    const tooBig = await ask('/compose save att2', {
      attachments: [{ name: 'big.yml', text: big }],
    } as Partial<TutorRequest>);
    expect(tooBig).toBe(
      `big.yml is larger than ${MAX_COMPOSE_BYTES} bytes (64 kB); compose files here may not be.`,
    );
  });

  it('checks names and sizes without an engine', () => {
    expect(checkComposeFile('Bad Name', GOOD)).toMatchObject({ ok: false });
    expect(checkComposeFile('ok', 'x'.repeat(MAX_COMPOSE_BYTES + 1))).toMatchObject({
      ok: false,
      message: `That file is ${MAX_COMPOSE_BYTES + 1} bytes; compose files here may be at most ${MAX_COMPOSE_BYTES} bytes (64 kB).`,
    });
    expect(checkComposeFile('ok', '')).toMatchObject({ ok: false });
    expect(checkComposeFile('ok', GOOD)).toEqual({ ok: true, path: '/root/ok/docker-compose.yml' });
  });
});
