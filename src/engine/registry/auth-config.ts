/** `types.AuthConfig`: the credentials a client hands the daemon for one registry. */
export interface AuthConfig {
  username: string;
  password: string;
  /** `base64(username:password)`, as config.json stores it; used when username is empty. */
  auth: string;
  email: string;
  serveraddress: string;
  identitytoken: string;
  registrytoken: string;
}

export const AUTH_CONFIG_FIELDS = [
  'username',
  'password',
  'auth',
  'email',
  'serveraddress',
  'identitytoken',
  'registrytoken',
] as const;

export function emptyAuthConfig(): AuthConfig {
  return {
    username: '',
    password: '',
    auth: '',
    email: '',
    serveraddress: '',
    identitytoken: '',
    registrytoken: '',
  };
}

/** Username and password, from the fields or from `auth` (`user:pass` in standard base64). */
export function credentials(cfg: AuthConfig): { username: string; password: string } {
  if (cfg.username === '' && cfg.auth !== '') {
    const plain = Buffer.from(cfg.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon > 0) return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
  }
  return { username: cfg.username, password: cfg.password };
}
