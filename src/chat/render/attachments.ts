/** A file that goes with a chat message: an image, or long output attached whole. */
export interface Attachment {
  name: string;
  mime: string;
  data: Uint8Array;
  /** Shown with the file (Slack title, Discord description). */
  title: string;
}

export function textAttachment(name: string, text: string, title: string): Attachment {
  return { name, mime: 'text/plain', data: new TextEncoder().encode(text), title };
}

/** `output.txt`, then `output-2.txt`...: names unique within one message. */
export function uniqueName(taken: Set<string>, wanted: string): string {
  let name = wanted;
  const dot = wanted.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [wanted.slice(0, dot), wanted.slice(dot)] : [wanted, ''];
  for (let n = 2; taken.has(name); n++) name = `${stem}-${n}${ext}`;
  taken.add(name);
  return name;
}
