/** Starts app-child.ts as a child process and talks to it the way Slack does (signed requests). */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { slackEventsPath } from "../../../src/app/http-server.js";
import { type SentView, signingSecret, stateFor } from "../../support/app-harness.js";
import {
  blockActionsPayload,
  formContentType,
  interactionBody,
  postSigned,
  slashCommandBody,
  viewSubmissionPayload,
} from "../../support/slack/sign-request.js";
import type { FoundButton } from "../../support/slack-blocks.js";

const entry = fileURLToPath(new URL("./app-child.ts", import.meta.url));
const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const readyLine = "app-child listening on ";

export interface AppChild {
  readonly pid: number;
  readonly baseUrl: string;
  /** Everything it wrote (stdout and stderr), for a failure's message. */
  readonly output: string[];
  /** Runs `/customer TEXT` as `userId`; resolves with the HTTP status once the app acks. */
  command(
    userId: string,
    text: string,
    responseUrl: string,
  ): Promise<{ status: number; ms: number }>;
  click(
    userId: string,
    button: FoundButton,
    responseUrl: string,
    triggerId?: string,
  ): Promise<{ status: number; ms: number }>;
  /** Submits a modal it opened, filled with `values` (block_id → text). */
  submit(
    userId: string,
    view: SentView,
    values: Record<string, string>,
  ): Promise<{ status: number; ms: number }>;
  /** SIGKILL: no shutdown, leases and half-done deliveries left behind. */
  kill(): Promise<void>;
  /** SIGTERM and wait for it to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startAppChild(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<AppChild> {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`app child not listening after ${timeoutMs} ms:\n${output.join("")}`));
    }, timeoutMs);
    const read = (chunk: Buffer) => {
      const text = String(chunk);
      output.push(text);
      const match = new RegExp(`${readyLine}(\\d+)`).exec(output.join(""));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`app child exited (${code ?? signal}) before listening:\n${output.join("")}`),
      );
    });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const timedPost = async (rawBody: string) => {
    const started = performance.now();
    const { status } = await postSigned(
      `${baseUrl}${slackEventsPath}`,
      signingSecret,
      rawBody,
      formContentType,
    ).catch(() => ({ status: 0 }));
    return { status, ms: Math.round(performance.now() - started) };
  };
  return {
    pid: child.pid ?? 0,
    baseUrl,
    output,
    command: (userId, text, responseUrl) =>
      timedPost(slashCommandBody({ text, user_id: userId, response_url: responseUrl })),
    click: (userId, button, responseUrl, triggerId) =>
      timedPost(
        interactionBody(
          blockActionsPayload({
            userId,
            responseUrl,
            triggerId,
            action: {
              action_id: button.action_id,
              block_id: button.block_id,
              value: button.value,
              type: "button",
            },
          }),
        ),
      ),
    submit: (userId, view, values) =>
      timedPost(
        interactionBody(
          viewSubmissionPayload({
            userId,
            view: {
              ...view,
              callback_id: String(view.callback_id),
              id: `VCHILD${Date.now()}${Math.random().toString(36).slice(2, 6)}`,
              state: { values: stateFor(view, values) },
            },
          }),
        ),
      ),
    async kill() {
      child.kill("SIGKILL");
      await exited(child);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.kill("SIGTERM");
      await exited(child);
      clearTimeout(force);
    },
  };
}
