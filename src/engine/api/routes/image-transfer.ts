/**
 * `GET /images/{name}/get`, `GET /images/get?names=` and `POST /images/load`: images as tar files
 * (`getImagesGet`, `postImagesLoad`). A save fails before its first byte with the daemon's JSON
 * error; a load always answers 200 and streams its lines, or its error, as JSON messages.
 */
import { LoadError, loadImages, saveImages } from '../../ops/image-transfer.ts';
import { ApiError } from '../errors.ts';
import type { ApiRequest } from '../http.ts';
import { progressLine } from '../progress.ts';
import { streamResponse } from '../respond.ts';
import { boolValueOrDefault, get, post, type Route } from '../route.ts';

function tarStream(tar: Buffer) {
  return streamResponse(200, 'application/x-tar', {
    run: async (write) => {
      write(tar);
    },
  });
}

/**
 * `httputils.ParseForm` on a POST: a body sent as a form (curl's `-d`/`--data-binary` default) is
 * read as one, so the handler finds it empty; Go refuses a `;` or a bad `%` escape in it (a tar
 * nearly always has one of them). Returns the body the handler gets.
 */
function bodyAfterParseForm(req: ApiRequest): Buffer {
  const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct !== 'application/x-www-form-urlencoded') return req.body;
  // `url.ParseQuery` keeps the last `;` error over the first bad escape.
  const pairs = req.body.toString('latin1').split('&');
  if (pairs.some((p) => p.includes(';'))) throw new ApiError(400, 'invalid semicolon separator in query');
  for (const pair of pairs) {
    const bad = /%(?![0-9a-fA-F]{2})(.{0,2})/s.exec(pair);
    if (bad) throw new ApiError(400, `invalid URL escape ${JSON.stringify(`%${bad[1]}`)}`);
  }
  return Buffer.alloc(0);
}

export const imageTransferRoutes: Route[] = [
  get('/images/get', ({ engine, req }) => tarStream(saveImages(engine, req.query.getAll('names')))),
  get('/images/{name:.*}/get', ({ engine, params }) => tarStream(saveImages(engine, [params.name!]))),
  post('/images/load', ({ engine, req }) => {
    const body = bodyAfterParseForm(req);
    // `quiet` (default true) only hides the progress bars, which a simulated load has none of.
    void boolValueOrDefault(req, 'quiet', true);
    let messages: Array<Parameters<typeof progressLine>[0] & { stream?: string }>;
    try {
      const lines = loadImages(engine, body);
      const ids = lines.filter((l) => l.startsWith('Loaded image ID: '));
      // Named images are one message each; the IDs of unnamed ones come in one message.
      messages = [
        ...lines.filter((l) => !l.startsWith('Loaded image ID: ')).map((l) => ({ stream: `${l}\n` })),
        ...(ids.length ? [{ stream: `${ids.join('\n')}\n` }] : []),
      ];
    } catch (e) {
      if (!(e instanceof LoadError)) throw e;
      messages = [{ errorDetail: { message: e.message }, error: e.message }];
    }
    return streamResponse(200, 'application/json', {
      run: async (write) => {
        for (const m of messages) write(progressLine(m));
      },
    });
  }),
];
