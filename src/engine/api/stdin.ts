/**
 * The client's half of a hijacked connection (attach, exec start): what it sends after the
 * request is the process's stdin. Without a TTY the input is complete when the client
 * half-closes its write side (the docker CLI does at the end of its input) or leaves. With a TTY
 * (`asTerminal`) the pseudo-terminal stands between them, as in the daemon: it echoes what comes
 * in, turns CR into LF, and only Ctrl-D ends the input; a half-close or a client that leaves does
 * not (the process keeps waiting, as it would on a real terminal).
 */
const EOT = 0x04;

export class ClientStdin {
  private readonly chunks: Buffer[] = [];
  private hungUp = false;
  private terminal = false;
  /** A Ctrl-D came in (the end of the input on a terminal). */
  private eot = false;
  private readonly waiters: Array<() => void> = [];
  private readonly echoes = new Set<(bytes: Buffer) => void>();

  /** An input already complete (a hijack without `Upgrade: tcp`, where the body was everything). */
  static ended(text = ''): ClientStdin {
    const s = new ClientStdin();
    if (text) s.push(Buffer.from(text));
    s.end();
    return s;
  }

  push(chunk: Buffer): void {
    if (!chunk.length || this.ended) return;
    this.chunks.push(chunk);
    const at = chunk.indexOf(EOT);
    if (at >= 0) this.eot = true;
    if (!this.terminal) return;
    this.echo(at >= 0 ? chunk.subarray(0, at) : chunk);
    if (this.eot) this.wake();
  }

  /** The client half-closed or left. */
  end(): void {
    if (this.hungUp) return;
    this.hungUp = true;
    if (!this.terminal) this.wake();
  }

  /** The process's stdin is a TTY (`Tty: true`): echo, CR to LF, Ctrl-D is the end. */
  asTerminal(): void {
    if (this.terminal) return;
    this.terminal = true;
    if (this.ended) this.wake();
  }

  /** Calls `fn` with the terminal's echo of each input from now on; returns the unsubscribe. */
  onEcho(fn: (bytes: Buffer) => void): () => void {
    this.echoes.add(fn);
    return () => this.echoes.delete(fn);
  }

  get ended(): boolean {
    return this.terminal ? this.eot : this.hungUp;
  }

  /** The whole input once it ended; undefined while more may come. */
  readonly text = (): string | undefined => {
    if (!this.ended) return undefined;
    const all = Buffer.concat(this.chunks);
    if (!this.terminal) return all.toString('utf8');
    return all.subarray(0, all.indexOf(EOT)).toString('utf8').replace(/\r/g, '\n');
  };

  /** Resolves when the input ended, or when `signal` aborts (the caller checks `ended`). */
  whenEnded(signal?: AbortSignal): Promise<void> {
    if (this.ended || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  private echo(bytes: Buffer): void {
    if (!bytes.length || this.echoes.size === 0) return;
    const shown = Buffer.from(bytes.toString('latin1').replace(/\r\n?|\n/g, '\r\n'), 'latin1');
    for (const fn of this.echoes) fn(shown);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
