/**
 * `configureFailPoint` with the `failCommand` fail point, as mongod offers it with test commands
 * enabled (`--setParameter enableTestCommands=1`), so tests inject the faults production has:
 * error replies, dropped connections, write concern errors and slow commands.
 */
import type { Document } from "bson";
import { badValue, CommandError, unsupported } from "./errors.js";
import { isPlainObject } from "./values.js";

/** What the fail point does to a command it fires for (mongod's order: block, close, error). */
export interface FailCommandAction {
  readonly blockTimeMS?: number;
  readonly closeConnection: boolean;
  readonly errorCode?: number;
  /** Given: exactly these labels. Absent: the server adds the labels it would for that code. */
  readonly errorLabels?: string[];
  readonly errorExtraInfo?: Document;
  /** Attached to the reply of a command that ran normally. */
  readonly writeConcernError?: Document;
}

type Mode =
  | { kind: "alwaysOn" }
  | { kind: "times"; left: number }
  | { kind: "skip"; toSkip: number }
  | { kind: "probability"; chance: number };

interface FailCommand {
  mode: Mode;
  commands: Set<string>;
  appName?: string;
  action: FailCommandAction;
}

const DATA_FIELDS = new Set([
  "failCommands",
  "errorCode",
  "errorLabels",
  "errorExtraInfo",
  "closeConnection",
  "writeConcernError",
  "blockConnection",
  "blockTimeMS",
  "appName",
  "failInternalCommands",
]);

function readMode(mode: unknown): Mode | "off" {
  if (mode === "off") return "off";
  if (mode === "alwaysOn") return { kind: "alwaysOn" };
  if (isPlainObject(mode) && Object.keys(mode).length === 1) {
    const [[name, value]] = Object.entries(mode) as [[string, unknown]];
    if (typeof value === "number" && Number.isInteger(value) && value >= 0) {
      if (name === "times") return value === 0 ? "off" : { kind: "times", left: value };
      if (name === "skip") return { kind: "skip", toSkip: value };
    }
    if (name === "activationProbability" && typeof value === "number" && value >= 0) {
      if (value <= 1) return { kind: "probability", chance: value };
    }
  }
  throw badValue(
    `mode must be "alwaysOn", "off", {times: n}, {skip: n} or {activationProbability: p}; got ${JSON.stringify(mode)}`,
  );
}

function optionalInteger(data: Document, field: string): number | undefined {
  const value = data[field];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw badValue(`failCommand data.${field} must be an integer`);
  }
  return value;
}

function readData(data: unknown): Omit<FailCommand, "mode"> {
  if (!isPlainObject(data)) throw badValue("failCommand needs a 'data' document");
  for (const field of Object.keys(data)) {
    if (!DATA_FIELDS.has(field)) throw unsupported(`failCommand data field '${field}'`);
  }
  const names = data.failCommands;
  if (!Array.isArray(names) || !names.every((name) => typeof name === "string")) {
    throw badValue("failCommand data.failCommands must be an array of command names");
  }
  const labels = data.errorLabels;
  if (
    labels !== undefined &&
    (!Array.isArray(labels) || !labels.every((l) => typeof l === "string"))
  ) {
    throw badValue("failCommand data.errorLabels must be an array of strings");
  }
  for (const field of ["writeConcernError", "errorExtraInfo"]) {
    if (data[field] !== undefined && !isPlainObject(data[field])) {
      throw badValue(`failCommand data.${field} must be a document`);
    }
  }
  if (data.appName !== undefined && typeof data.appName !== "string") {
    throw badValue("failCommand data.appName must be a string");
  }
  const blockTimeMS = optionalInteger(data, "blockTimeMS");
  if (data.blockConnection === true && blockTimeMS === undefined) {
    throw badValue("failCommand data.blockConnection needs blockTimeMS");
  }
  return {
    commands: new Set(names),
    appName: data.appName,
    action: {
      blockTimeMS: data.blockConnection === true ? blockTimeMS : undefined,
      closeConnection: data.closeConnection === true,
      errorCode: optionalInteger(data, "errorCode"),
      errorLabels: labels,
      errorExtraInfo: data.errorExtraInfo,
      writeConcernError: data.writeConcernError,
    },
  };
}

/** Whether a fail point in `mode` fires this time; advances its counters. */
function fires(point: FailCommand): boolean {
  const { mode } = point;
  switch (mode.kind) {
    case "alwaysOn":
      return true;
    case "times":
      mode.left--;
      return true;
    case "skip":
      if (mode.toSkip === 0) return true;
      mode.toSkip--;
      return false;
    case "probability":
      return Math.random() < mode.chance;
  }
}

/** Commands a fail point never applies to, so that it can always be turned off again. */
const NEVER_FAILED = new Set(["configureFailPoint"]);

export class FailPoints {
  private failCommand: FailCommand | undefined;
  private timesEntered = 0;

  /** Runs `configureFailPoint`; the reply counts how often the fail point fired before. */
  configure(command: Document): Document {
    const name = command.configureFailPoint;
    if (name !== "failCommand") {
      throw new CommandError(
        2,
        "BadValue",
        `Cannot find failpoint: ${String(name)} (the test wire server has only failCommand)`,
      );
    }
    const mode = readMode(command.mode);
    const count = this.timesEntered;
    if (mode === "off") {
      this.failCommand = undefined;
    } else {
      this.failCommand = { mode, ...readData(command.data) };
    }
    this.timesEntered = 0;
    return { count, ok: 1 };
  }

  /** Turns every fail point off (a server restart does the same). */
  clear(): void {
    this.failCommand = undefined;
  }

  /** The action to take for `commandName` from a client named `appName`, when the fail point fires. */
  actionFor(commandName: string, appName: string | undefined): FailCommandAction | undefined {
    const point = this.failCommand;
    if (!point || NEVER_FAILED.has(commandName) || !point.commands.has(commandName))
      return undefined;
    if (point.appName !== undefined && point.appName !== appName) return undefined;
    if (!fires(point)) return undefined;
    this.timesEntered++;
    if (point.mode.kind === "times" && point.mode.left <= 0) this.failCommand = undefined;
    return point.action;
  }
}
