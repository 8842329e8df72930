/** Canned, Slack-shaped answers of the fake Web API, one handler per method. */
import { APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, WORKSPACE_URL } from "./test-workspace.js";

type Json = Record<string, unknown>;
export type MethodHandler = (args: Json, workspace: FakeWorkspace) => Json;

/** What the fake remembers between calls: configured answers and id sequences. */
export class FakeWorkspace {
  readonly usergroupMembers = new Map<string, string[]>();
  socketModeUrl: string | undefined;
  private sequence = 0;
  private readonly homeViewIds = new Map<string, string>();
  /** Per user, the Home view Slack shows: the last publish it accepted, with its hash. */
  readonly homes = new Map<string, Json>();
  private readonly dmChannelIds = new Map<string, string>();
  /** Per conversation (a channel, or a person's DM channel), the messages posted there, oldest first. */
  readonly conversations = new Map<string, Json[]>();

  private lastTsMicros = 0;

  /** Unique and increasing, the time it is in Slack's shape ("1764590400.000123"), as Slack's are. */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  nextId(prefix: "V" | "D"): string {
    return `${prefix}${String(this.next()).padStart(8, "0")}`;
  }

  /** Slack keeps one home view per user, so republishing keeps its id. */
  homeViewId(userId: string): string {
    return remembered(this.homeViewIds, userId, () => this.nextId("V"));
  }

  dmChannelId(users: string): string {
    return remembered(this.dmChannelIds, users, () => this.nextId("D"));
  }

  /** Where a post to `channel` lands: a user ID means that person's DM with the bot, as in Slack. */
  conversationOf(channel: string): string {
    return /^[UW]/.test(channel) ? this.dmChannelId(channel) : channel;
  }

  private next(): number {
    this.sequence += 1;
    return this.sequence;
  }
}

export const METHODS: Record<string, MethodHandler> = {
  "auth.test": () => ({
    ok: true,
    url: WORKSPACE_URL,
    team: "Test Workspace",
    user: "customer-bot",
    team_id: TEAM_ID,
    user_id: BOT_USER_ID,
    bot_id: BOT_ID,
    is_enterprise_install: false,
  }),
  "chat.postMessage": (args, workspace) => {
    const ts = workspace.nextTs();
    const channel = workspace.conversationOf(String(args.channel));
    const message = botMessage(args, ts);
    const history = workspace.conversations.get(channel) ?? [];
    history.push(message);
    workspace.conversations.set(channel, history);
    return { ok: true, channel, ts, message };
  },
  // Newest first, from `oldest` on; message metadata only with include_all_metadata; thread
  // replies are not in it, only in conversations.replies (as in Slack).
  "conversations.history": (args, workspace) => {
    const messages = (workspace.conversations.get(String(args.channel)) ?? [])
      .filter((message) => message.thread_ts === undefined || message.thread_ts === message.ts)
      .reverse();
    return { ok: true, messages: page(messages, args), has_more: false };
  },
  // A thread, oldest first: its parent, then its replies, from `oldest` on (as in Slack).
  "conversations.replies": (args, workspace) => {
    const conversation = workspace.conversations.get(String(args.channel)) ?? [];
    const parent = conversation.find((message) => message.ts === args.ts);
    if (!parent) return { ok: false, error: "thread_not_found" };
    const replies = conversation.filter((message) => message.thread_ts === args.ts);
    return { ok: true, messages: page([parent, ...replies], args), has_more: false };
  },
  "chat.postEphemeral": (_args, workspace) => ({ ok: true, message_ts: workspace.nextTs() }),
  "chat.update": (args) => ({
    ok: true,
    channel: args.channel,
    ts: args.ts,
    text: args.text ?? "",
    message: botMessage(args, args.ts),
  }),
  "chat.delete": (args) => ({ ok: true, channel: args.channel, ts: args.ts }),
  "chat.getPermalink": (args) => ({
    ok: true,
    channel: args.channel,
    permalink: `${WORKSPACE_URL}archives/${args.channel}/p${String(args.message_ts).replace(".", "")}`,
  }),
  "views.open": openView,
  "views.push": openView,
  "views.update": (args, workspace) => ({
    ok: true,
    view: viewAnswer(
      args.view,
      stringOr(args.view_id, () => workspace.nextId("V")),
      workspace,
    ),
  }),
  "views.publish": (args, workspace) => {
    const userId = String(args.user_id);
    // Like Slack: a publish naming the hash of a Home that has since been replaced is refused.
    if (typeof args.hash === "string" && args.hash !== workspace.homes.get(userId)?.hash)
      return { ok: false, error: "hash_conflict" };
    const view = viewAnswer(args.view, workspace.homeViewId(userId), workspace);
    workspace.homes.set(userId, view);
    return { ok: true, view };
  },
  "usergroups.users.list": (args, workspace) => ({
    ok: true,
    users: workspace.usergroupMembers.get(String(args.usergroup)) ?? [],
  }),
  "users.info": (args) => ({ ok: true, user: fakeUser(String(args.user)) }),
  "conversations.open": (args, workspace) => ({
    ok: true,
    channel: { id: workspace.dmChannelId(String(args.users ?? args.channel)) },
  }),
  "apps.connections.open": (_args, workspace) =>
    workspace.socketModeUrl
      ? { ok: true, url: workspace.socketModeUrl }
      : {
          // An unrecoverable error, so a SocketModeClient fails fast instead of retrying forever.
          ok: false,
          error: "not_authed",
          response_metadata: {
            messages: ["[ERROR] fake Slack API has no Socket Mode URL: call setSocketModeUrl()"],
          },
        },
};

function openView(args: Json, workspace: FakeWorkspace): Json {
  if (String(args.trigger_id).startsWith("expired")) {
    return { ok: false, error: "expired_trigger_id" };
  }
  return { ok: true, view: viewAnswer(args.view, workspace.nextId("V"), workspace) };
}

function viewAnswer(view: unknown, id: string, workspace: FakeWorkspace): Json {
  return {
    team_id: TEAM_ID,
    app_id: APP_ID,
    app_installed_team_id: TEAM_ID,
    bot_id: BOT_ID,
    private_metadata: "",
    callback_id: "",
    external_id: "",
    root_view_id: id,
    previous_view_id: null,
    clear_on_close: false,
    notify_on_close: false,
    ...(typeof view === "object" && view !== null ? view : {}),
    id,
    state: { values: {} },
    hash: workspace.nextTs(),
  };
}

/** One page of `messages` as the history methods answer it: from `oldest`, `limit` of them, metadata only when asked for. */
function page(messages: Json[], args: Json): Json[] {
  const oldest = Number(args.oldest ?? 0);
  const limit = Number(args.limit ?? 100);
  const withMetadata = args.include_all_metadata === true || args.include_all_metadata === "true";
  return messages
    .filter((message) => Number(message.ts) >= oldest)
    .slice(0, limit)
    .map(({ metadata, ...message }) =>
      withMetadata && metadata ? { ...message, metadata } : message,
    );
}

function botMessage(args: Json, ts: unknown): Json {
  return {
    type: "message",
    user: BOT_USER_ID,
    bot_id: BOT_ID,
    app_id: APP_ID,
    team: TEAM_ID,
    ts,
    text: args.text ?? "",
    blocks: args.blocks,
    ...(typeof args.thread_ts === "string" ? { thread_ts: args.thread_ts } : {}),
    ...(args.metadata ? { metadata: args.metadata } : {}),
  };
}

function fakeUser(id: string): Json {
  const name = `user-${id.toLowerCase()}`;
  const realName = `Test User ${id}`;
  return {
    id,
    team_id: TEAM_ID,
    name,
    real_name: realName,
    deleted: false,
    is_bot: false,
    is_admin: false,
    tz: "Europe/London",
    tz_offset: 0,
    profile: { real_name: realName, display_name: name, email: `${name}@example.com` },
  };
}

function stringOr(value: unknown, fallback: () => string): string {
  return typeof value === "string" && value !== "" ? value : fallback();
}

function remembered(map: Map<string, string>, key: string, create: () => string): string {
  const existing = map.get(key);
  if (existing !== undefined) return existing;
  const created = create();
  map.set(key, created);
  return created;
}
