/**
 * Who is a TA on Slack: user IDs listed in SLACK_TA_USERS, or members of the SLACK_TA_USERGROUP
 * user group (read through usergroups.users.list and cached, so a command costs no API call).
 * When the group cannot be read, the user is a student: a failure never grants a role.
 */
import type { Role } from '../../core/types.ts';
import type { ChatLog } from '../render/log.ts';

export interface UsergroupReader {
  usergroups: { users: { list(args: { usergroup: string }): Promise<{ users?: string[] }> } };
}

export interface SlackRolesOptions {
  taUsers: string[];
  taUsergroup?: string | undefined;
  client: UsergroupReader;
  log: ChatLog;
  /** How long the group's members are trusted, ms. Default 5 minutes. */
  ttlMs?: number;
  now?: () => number;
}

export class SlackRoles {
  private members: { users: Set<string>; at: number } | null = null;
  private loading: Promise<Set<string>> | null = null;

  constructor(private readonly opts: SlackRolesOptions) {}

  async rolesOf(userId: string): Promise<Role[]> {
    if (this.opts.taUsers.includes(userId)) return ['student', 'ta'];
    if (!this.opts.taUsergroup) return ['student'];
    const members = await this.groupMembers();
    return members.has(userId) ? ['student', 'ta'] : ['student'];
  }

  private async groupMembers(): Promise<Set<string>> {
    const now = (this.opts.now ?? Date.now)();
    if (this.members && now - this.members.at < (this.opts.ttlMs ?? 300_000)) return this.members.users;
    this.loading ??= this.load(now).finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(now: number): Promise<Set<string>> {
    const usergroup = this.opts.taUsergroup!;
    try {
      const res = await this.opts.client.usergroups.users.list({ usergroup });
      const users = new Set(res.users ?? []);
      this.members = { users, at: now };
      return users;
    } catch (e) {
      this.opts.log.warn({ usergroup, err: (e as Error).message }, 'cannot read the TA user group');
      // Keep the last known members if there are any; otherwise nobody is a TA through the group.
      return this.members?.users ?? new Set();
    }
  }
}
